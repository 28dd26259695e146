// Coordination meetings and the event's own tasks (decisions, equipment maintenance): types (the hotel's schema only).
import { builder } from '../../builder.ts';
import { HOTEL } from './hotel-area.ts';

const EventTaskKindEnum = builder.enumType('HotelEventTaskKind', { values: ['DECISION', 'MAINTENANCE'] as const, subGraphs: HOTEL });

export const HotelCoordinationMeetingRef = builder.prismaNode('HotelCoordinationMeeting', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'A coordination meeting (协调会) of the event; its decisions are tasks.',
  fields: (t) => ({
    heldAt: t.expose('heldAt', { type: 'DateTime' }),
    chair: t.relation('chair', { nullable: true }),
    minutes: t.exposeString('minutes', { nullable: true }),
    decisions: t.relation('decisions', { query: { orderBy: { createdAt: 'asc' } } }),
  }),
});

export const HotelEventTaskRef = builder.prismaNode('HotelEventTask', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'A task of the event: a meeting decision or an equipment maintenance (会场设备检修) due before it.',
  fields: (t) => ({
    kind: t.field({ type: EventTaskKindEnum, resolve: (e) => e.kind }),
    task: t.relation('task'),
    meeting: t.relation('meeting', { nullable: true }),
    area: t.relation('area', { nullable: true }),
    equipment: t.exposeString('equipment', { nullable: true }),
  }),
});

builder.prismaObjectFields('HotelEvent', (t) => ({
  meetings: t.relation('meetings', { query: { orderBy: { heldAt: 'asc' } } }),
  eventTasks: t.relation('eventTasks', {
    description: 'Meeting decisions and equipment maintenance, as tasks.',
    args: { kind: t.arg({ type: EventTaskKindEnum, required: false }) },
    query: (args) => ({ where: args.kind ? { kind: args.kind } : {}, orderBy: { createdAt: 'asc' } }),
  }),
}));
