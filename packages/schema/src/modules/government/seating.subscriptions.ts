// Live protocol: every change of a visit's seating plans (a banquet proposed or moved by hand, the car seating
// proposed) reaches the visit's watchers in order, resumable from the event log with a cursor (like task boards).
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import type { DomainEvent } from '../core/events/event.service.ts';
import { eventStream, whileHolding, streamedEvent } from '../core/events/event-stream.ts';
import { VisitRef } from '../shared/visits/visit.ts';
import { PROTOCOL_TOPIC } from './seating.service.ts';

const GOV = ['government'] as const;

const ProtocolEventRef = builder.objectRef<DomainEvent>('ProtocolEvent').implement({
  subGraphs: [...GOV],
  fields: (t) => ({
    cursor: t.exposeString('seq', { description: 'Resubscribe with `after: cursor` to receive everything after this event.' }),
    kind: t.string({ description: 'banquet_seating.proposed, banquet_seating.moved, car_seating.proposed or car_seating.moved.', resolve: (e) => e.type }),
    visitId: t.globalID({ nullable: true, resolve: (e) => (e.subjectId ? { type: 'Visit', id: e.subjectId } : null) }),
    mealId: t.globalID({
      nullable: true,
      resolve: (e) => {
        const mealId = (e.payload as { mealId?: string }).mealId;
        return mealId ? { type: 'Meal', id: mealId } : null;
      },
    }),
    change: t.field({ type: 'JSON', description: 'What changed (for a move: who, where, the rules it broke).', resolve: (e) => e.payload }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.createdAt) }),
  }),
});

builder.subscriptionFields((t) => ({
  protocolChanged: t.field({
    type: ProtocolEventRef,
    subGraphs: [...GOV],
    authScopes: { role: 'VIEWER' },
    description: "Every change of one visit's seating plans, in order. Pass the last cursor you saw as `after` to miss nothing.",
    args: { visitId: t.arg.globalID({ required: true, for: [VisitRef] }), after: t.arg.string({ required: false }) },
    subscribe: async function* (_root, args, ctx) {
      const visit = await ctx.withScope((db) => db.visit.findUnique({ where: { id: args.visitId.id }, select: { id: true } }));
      if (!visit) throw new GraphQLError('No such visit', { extensions: { code: 'NOT_FOUND' } });
      yield* eventStream(ctx, {
        after: args.after ?? null,
        matches: (e) => e.topic === PROTOCOL_TOPIC && e.subjectId === visit.id,
        stillAllowed: whileHolding(ctx),
      });
    },
    resolve: streamedEvent,
  }),
}));
