// The live green-channel board: a case opened, treatment started, a case closed — in order, resumable
// from a cursor (core/events/event-stream.ts).
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import { hasRole } from '../../shared/access.ts';
import type { DomainEvent } from '../core/events/event.service.ts';
import { eventStream, isStreamEnd, StreamEndedError, type StreamEnd } from '../core/events/event-stream.ts';
import './green-channel.ts';
import { GREEN_CHANNEL_CHANGE_KINDS, GREEN_CHANNEL_TOPIC } from './green-channel.service.ts';
import { HOSPITAL } from './service-point.ts';

const ChangeKindEnum = builder.enumType('GreenChannelChangeKind', { values: GREEN_CHANNEL_CHANGE_KINDS, subGraphs: HOSPITAL });

const EventRef = builder.objectRef<DomainEvent>('GreenChannelEvent').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    cursor: t.exposeString('seq', { description: 'Resubscribe with `after: cursor` to receive everything after this event.' }),
    kind: t.field({ type: ChangeKindEnum, resolve: (e) => e.type as never }),
    caseId: t.globalID({ resolve: (e) => ({ type: 'GreenChannelCase', id: e.subjectId! }) }),
    case: t.prismaField({
      type: 'GreenChannelCase',
      nullable: true,
      description: 'The case as it is now (read when the event is delivered).',
      resolve: (query, e, _args, ctx) => ctx.db.greenChannelCase.findUnique({ ...query, where: { id: e.subjectId! } }),
    }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.createdAt) }),
  }),
});

const stillStaff = (ctx: Context) => () => ctx.withScope(async (_db, access) => hasRole(access, 'STAFF')).catch(() => false);

builder.subscriptionFields((t) => ({
  greenChannelChanged: t.field({
    type: EventRef,
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description: 'The live green-channel board: every case opened, treated and closed, in order. Pass the last cursor you saw as `after` to miss nothing.',
    args: { after: t.arg.string({ required: false }) },
    subscribe: (_root, args, ctx) =>
      eventStream(ctx, { after: args.after ?? null, matches: (e) => e.topic === GREEN_CHANNEL_TOPIC, stillAllowed: stillStaff(ctx) }),
    resolve: (item) => {
      const event = item as DomainEvent | StreamEnd;
      if (isStreamEnd(event)) throw new StreamEndedError(event);
      return event;
    },
  }),
}));
