// Live visit: the visit's own events (status changes, a plan changed after approval or decided, live travel
// progress, new plan issues, photos added) reach its watchers in order, resumable from the event log with a
// cursor (like task boards: core/events/event-stream.ts). The same events go to webhooks (core/webhooks).
import { GraphQLError } from 'graphql';
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import type { DomainEvent } from '../../core/events/event.service.ts';
import { eventStream, whileHolding, streamedEvent } from '../../core/events/event-stream.ts';
import { USER_REFERENCE, userById } from '../../core/identity/user.ts';
import { VisitRef } from './visit.ts';
import { VISIT_TOPIC } from './visit.service.ts';

const T = TENANT_GRAPHS;

const VisitEventRef = builder.objectRef<DomainEvent>('VisitEvent').implement({
  subGraphs: T,
  fields: (t) => ({
    cursor: t.exposeString('seq', { description: 'Resubscribe with `after: cursor` to receive everything after this event.' }),
    kind: t.string({
      description:
        'visit.status_changed, visit.plan_changed_after_approval, visit.plan_approved, visit.plan_rejected, visit.travel_progress, visit.plan_issues_raised or visit.photo_added (more may come).',
      resolve: (e) => e.type,
    }),
    visitId: t.globalID({ nullable: true, resolve: (e) => (e.subjectId ? { type: 'Visit', id: e.subjectId } : null) }),
    change: t.field({ type: 'JSON', description: "The event's data (as in the webhook of the same event, ids raw).", resolve: (e) => e.payload }),
    actor: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who made the change (${USER_REFERENCE}; null for an API key or the system).`,
      resolve: (query, e, _args, ctx) => userById(ctx, query, e.actorUserId),
    }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.createdAt) }),
  }),
});

builder.subscriptionFields((t) => ({
  visitChanged: t.field({
    type: VisitEventRef,
    subGraphs: T,
    authScopes: { role: 'VIEWER' },
    description:
      'Every event of one visit (its status, plan, travel progress, plan issues, photos), in order. Pass the last cursor you saw as `after` to miss nothing.',
    args: { visitId: t.arg.globalID({ required: true, for: [VisitRef] }), after: t.arg.string({ required: false }) },
    subscribe: async function* (_root, args, ctx) {
      const visit = await ctx.withScope((db) => db.visit.findUnique({ where: { id: args.visitId.id }, select: { id: true } }));
      if (!visit) throw new GraphQLError('No such visit', { extensions: { code: 'NOT_FOUND' } });
      yield* eventStream(ctx, {
        after: args.after ?? null,
        matches: (e) => e.topic === VISIT_TOPIC && e.subjectId === visit.id,
        stillAllowed: whileHolding(ctx),
      });
    },
    resolve: streamedEvent,
  }),
}));
