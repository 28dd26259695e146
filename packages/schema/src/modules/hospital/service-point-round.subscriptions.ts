// The hospital's live routine board: rounds made and missed, peak hours short of windows, department standard
// assessments scheduled — in order, from the tenant's event log, with a cursor to resume from.
import { builder } from '../../builder.ts';
import type { DomainEvent } from '../core/events/event.service.ts';
import { eventStream, whileHolding, streamedEvent } from '../core/events/event-stream.ts';
import { HOSPITAL } from './service-point.ts';
import { ROUND_TOPIC } from './service-point-round.service.ts';
import { PEAK_TOPIC } from './peak-window.service.ts';
import { STANDARD_TOPIC } from './department-standard.service.ts';

const TOPICS = new Set([ROUND_TOPIC, PEAK_TOPIC, STANDARD_TOPIC]);
export const ROUTINE_EVENT_TYPES = ['ROUNDS_CREATED', 'ROUND_MISSED', 'WINDOWS_SHORT', 'ASSESSMENT_SCHEDULED'] as const;

const RoutineEventTypeEnum = builder.enumType('HospitalRoutineEventType', {
  values: ROUTINE_EVENT_TYPES,
  subGraphs: HOSPITAL,
  description:
    "ROUNDS_CREATED: a day's rounds were made; ROUND_MISSED: a round's due time passed with a check open (subject: the round); WINDOWS_SHORT: an hour was recorded with fewer windows than its load needs (subject: the service point); ASSESSMENT_SCHEDULED: a department's standard assessment was made (subject: the department).",
});

const RoutineEventRef = builder.objectRef<DomainEvent>('HospitalRoutineEvent').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    cursor: t.exposeString('seq', { description: 'Resubscribe with `after: cursor` to receive everything after this event.' }),
    type: t.field({ type: RoutineEventTypeEnum, resolve: (e) => e.type as never }),
    subjectId: t.globalID({
      nullable: true,
      resolve: (e) => {
        if (!e.subjectId) return null;
        const type = e.type === 'ROUND_MISSED' ? 'ServicePointRound' : e.type === 'WINDOWS_SHORT' ? 'ServicePoint' : 'Department';
        return { type, id: e.subjectId };
      },
    }),
    data: t.field({ type: 'JSON', description: 'What the event says (date, hour, windows, …).', resolve: (e) => e.payload }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.createdAt) }),
  }),
});

builder.subscriptionFields((t) => ({
  hospitalRoutineChanged: t.field({
    type: RoutineEventRef,
    subGraphs: HOSPITAL,
    authScopes: { role: 'VIEWER' },
    description:
      "The hospital's daily routine as it happens: rounds made and missed, windows short at peak time, standard assessments scheduled. Pass the last cursor as `after` to miss nothing.",
    args: { after: t.arg.string({ required: false }) },
    subscribe: (_root, args, ctx) => eventStream(ctx, { after: args.after ?? null, matches: (e) => TOPICS.has(e.topic), stillAllowed: whileHolding(ctx) }),
    resolve: streamedEvent,
  }),
}));
