// `rateLimit`, like GitHub's: the caller's cost budget as this operation leaves it. The gateway computes
// the cost and takes it from the budget before execution (services/gateway/src/plugins/query-cost.ts);
// this field only reads what it found (ctx.cost), so asking for it costs nothing more.
import { ALL_GRAPHS, builder } from '../../../builder.ts';
import type { OperationCost } from '../../../context.ts';

type Throttle = NonNullable<OperationCost['throttleStatus']>;

const RateLimitRef = builder.objectRef<{ cost: number; throttle: Throttle; at: number }>('RateLimit').implement({
  description:
    "The caller's cost budget (a token bucket per tenant and per API key; the tightest is shown), after this operation's cost was taken. " +
    'An operation costing more than `remaining` is refused with RATE_LIMITED and Retry-After.',
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
    limit: t.int({ description: 'Points the budget holds when full (the largest burst).', resolve: (p) => p.throttle.maximumAvailable }),
    remaining: t.int({ description: "Points left after this operation's cost.", resolve: (p) => p.throttle.currentlyAvailable }),
    restoreRate: t.float({ description: 'Points restored per second.', resolve: (p) => p.throttle.restoreRate }),
    cost: t.int({ description: "This operation's requested cost (the same as extensions.cost.requestedQueryCost).", resolve: (p) => p.cost }),
    resetAt: t.field({
      type: 'DateTime',
      description: 'When the budget is full again if nothing more is spent.',
      resolve: (p) =>
        new Date(Math.ceil((p.at + ((p.throttle.maximumAvailable - p.throttle.currentlyAvailable) * 1000) / p.throttle.restoreRate) / 1000) * 1000),
    }),
  }),
});

builder.queryField('rateLimit', (t) =>
  t.field({
    type: RateLimitRef,
    nullable: true,
    subGraphs: ALL_GRAPHS,
    description: "The caller's cost budget after this operation (null for anonymous callers, who have a per-operation limit only).",
    resolve: (_root, _args, ctx) =>
      ctx.cost?.throttleStatus ? { cost: ctx.cost.requestedQueryCost, throttle: ctx.cost.throttleStatus, at: Date.now() } : null,
  }),
);
