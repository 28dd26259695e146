// The live complaint board: every change of the tenant's complaints (a new one, its handling, an
// escalation), in order, resumable from a cursor (core/events/event-stream.ts).
import { builder } from '../../builder.ts';
import type { DomainEvent } from '../core/events/event.service.ts';
import { eventStream, whileHolding, streamedEvent } from '../core/events/event-stream.ts';
import { USER_REFERENCE, userById } from '../core/identity/user.ts';
import './complaint.ts';
import { COMPLAINT_CHANGE_KINDS, COMPLAINT_TOPIC } from './complaint.service.ts';
import { HOSPITAL } from './service-point.ts';

const ComplaintChangeKindEnum = builder.enumType('ComplaintChangeKind', { values: COMPLAINT_CHANGE_KINDS, subGraphs: HOSPITAL });

const ComplaintEventRef = builder.objectRef<DomainEvent>('ComplaintEvent').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    cursor: t.exposeString('seq', { description: 'Resubscribe with `after: cursor` to receive everything after this event.' }),
    kind: t.field({ type: ComplaintChangeKindEnum, resolve: (e) => e.type as never }),
    complaintId: t.globalID({ resolve: (e) => ({ type: 'Complaint', id: e.subjectId! }) }),
    complaint: t.prismaField({
      type: 'Complaint',
      nullable: true,
      description: 'The complaint as it is now (read when the event is delivered).',
      resolve: (query, e, _args, ctx) => ctx.db.complaint.findUnique({ ...query, where: { id: e.subjectId! } }),
    }),
    change: t.field({ type: 'JSON', description: 'Status, severity, category and what this change set.', resolve: (e) => e.payload }),
    actor: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who made the change (${USER_REFERENCE}; null for an API key or a patient's public link).`,
      resolve: (query, e, _args, ctx) => userById(ctx, query, e.actorUserId),
    }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.createdAt) }),
  }),
});

builder.subscriptionFields((t) => ({
  complaintChanged: t.field({
    type: ComplaintEventRef,
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description:
      "Every change of the hospital's complaints (new ones, handling, escalations), in order. Pass the last cursor you saw as `after` to miss nothing.",
    args: { after: t.arg.string({ required: false }) },
    subscribe: (_root, args, ctx) =>
      eventStream(ctx, { after: args.after ?? null, matches: (e) => e.topic === COMPLAINT_TOPIC, stillAllowed: whileHolding(ctx, 'STAFF') }),
    resolve: streamedEvent,
  }),
}));
