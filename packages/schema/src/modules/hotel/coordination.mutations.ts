// Coordination meetings and equipment maintenance: mutations (thin over the service).
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { MembershipRef } from '../core/identity/user.ts';
import { TaskError } from '../shared/tasks/task.errors.ts';
import { HOTEL, HotelAreaRef } from './hotel-area.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { HotelEventRef } from './hotel-event.ts';
import { recordCoordinationMeeting, scheduleMaintenance } from './coordination.service.ts';

const MeetingPayload = builder.objectRef<{ meetingId: string }>('HotelCoordinationMeetingPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    meeting: t.prismaField({
      type: 'HotelCoordinationMeeting',
      resolve: (query, p, _a, ctx) => ctx.db.hotelCoordinationMeeting.findUniqueOrThrow({ ...query, where: { id: p.meetingId } }),
    }),
  }),
});
const MaintenancePayload = builder.objectRef<{ ids: string[] }>('HotelEquipmentMaintenancePayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    eventTasks: t.prismaField({
      type: ['HotelEventTask'],
      resolve: (query, p, _a, ctx) => ctx.db.hotelEventTask.findMany({ ...query, where: { id: { in: p.ids } }, orderBy: { createdAt: 'asc' } }),
    }),
  }),
});

const DecisionInput = builder.inputType('HotelMeetingDecisionInput', {
  subGraphs: HOTEL,
  fields: (t) => ({
    text: t.string({ required: true }),
    ownerMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    dueAt: t.field({ type: 'DateTime', required: false, description: 'Default: a day before the event.' }),
  }),
});
const MaintenanceInput = builder.inputType('HotelMaintenanceItemInput', {
  subGraphs: HOTEL,
  fields: (t) => ({
    equipment: t.string({ required: true, description: 'e.g. 音响, 投影, 同传设备, 空调' }),
    hotelAreaId: t.globalID({ required: false, for: [HotelAreaRef] }),
    assigneeMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    hoursBefore: t.int({ required: false, description: 'Due this many hours before the event starts (default 24).' }),
  }),
});

mutationField({
  name: 'recordHotelCoordinationMeeting',
  payload: MeetingPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Records a coordination meeting (协调会); each decision becomes a task on the tasks board, linked to the event.',
  errors: [HotelEventError, TaskError],
  input: (t) => ({
    eventId: t.globalID({ required: true, for: [HotelEventRef] }),
    heldAt: t.field({ type: 'DateTime', required: true }),
    chairMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    minutes: t.string({ required: false }),
    decisions: t.field({ type: [DecisionInput], required: true }),
  }),
  run: async (deps, input) => ({
    meetingId: (
      await recordCoordinationMeeting(deps, {
        eventId: input.eventId.id,
        heldAt: input.heldAt,
        chairMembershipId: input.chairMembershipId?.id ?? null,
        minutes: input.minutes,
        decisions: input.decisions.map((d) => ({ text: d.text, ownerMembershipId: d.ownerMembershipId?.id ?? null, dueAt: d.dueAt })),
      })
    ).id,
  }),
});

mutationField({
  name: 'scheduleHotelEquipmentMaintenance',
  payload: MaintenancePayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Schedules equipment maintenance (会场设备检修) as tasks due before the event.',
  errors: [HotelEventError, TaskError],
  input: (t) => ({ eventId: t.globalID({ required: true, for: [HotelEventRef] }), items: t.field({ type: [MaintenanceInput], required: true }) }),
  run: async (deps, input) => ({
    ids: (
      await scheduleMaintenance(deps, {
        eventId: input.eventId.id,
        items: input.items.map((i) => ({
          equipment: i.equipment,
          hotelAreaId: i.hotelAreaId?.id ?? null,
          assigneeMembershipId: i.assigneeMembershipId?.id ?? null,
          hoursBefore: i.hoursBefore,
        })),
      })
    ).map((l) => l.id),
  }),
});
