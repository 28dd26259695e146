import { builder } from '../../builder.ts';
import { serviceDeps } from '../../context.ts';
import { ValidationError } from '../../shared/errors.ts';
import { registerDomainError } from '../../shared/graphql-errors.ts';
import { atomically } from '../../shared/mutation.ts';
import { MembershipRef } from '../core/identity/user.ts';
import { GOVERNMENT_ERROR_CODES, GovernmentError } from './government.errors.ts';
import { RankRef } from './rank.ts';
import { assignRank, defineRank, deleteRank } from './rank.service.ts';

const GOV: ['government'] = ['government'];

registerDomainError(GovernmentError, 'GovernmentError', GOVERNMENT_ERROR_CODES, 'A rank-ladder change was refused.', GOV);

const RankPayload = builder.objectRef<{ rank: { id: string } }>('RankPayload').implement({
  subGraphs: GOV,
  fields: (t) => ({ rank: t.field({ type: RankRef, resolve: (p) => p.rank as never }) }),
});
const AssignRankPayload = builder.objectRef<{ membership: { id: string } }>('AssignRankPayload').implement({
  subGraphs: GOV,
  fields: (t) => ({ membership: t.field({ type: MembershipRef, resolve: (p) => p.membership as never }) }),
});
const DeleteRankPayload = builder.objectRef<{ id: string }>('DeleteRankPayload').implement({
  subGraphs: GOV,
  fields: (t) => ({ deletedRankId: t.globalID({ resolve: (p) => ({ type: 'Rank', id: p.id }) }) }),
});

builder.mutationFields((t) => ({
  defineRank: t.field({
    type: RankPayload,
    subGraphs: GOV,
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      name: t.arg.string({ required: true }),
      nameEn: t.arg.string({ required: false }),
      level: t.arg.int({ required: true, description: '1 is the highest.' }),
    },
    errors: { types: [GovernmentError, ValidationError], directResult: true, union: { name: 'DefineRankResult' } },
    resolve: async (_root, args, ctx) => ({ rank: await atomically(ctx, () => defineRank(serviceDeps(ctx), args)) }),
  }),
  deleteRank: t.field({
    type: DeleteRankPayload,
    subGraphs: GOV,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { id: t.arg.globalID({ required: true, for: [RankRef] }) },
    errors: { types: [GovernmentError], directResult: true, union: { name: 'DeleteRankResult' } },
    resolve: (_root, args, ctx) => atomically(ctx, () => deleteRank(serviceDeps(ctx), args.id.id)),
  }),
  assignRank: t.field({
    type: AssignRankPayload,
    subGraphs: GOV,
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      membershipId: t.arg.globalID({ required: true, for: [MembershipRef] }),
      rankId: t.arg.globalID({ required: false, for: [RankRef], description: 'Null clears the rank.' }),
    },
    errors: { types: [GovernmentError], directResult: true, union: { name: 'AssignRankResult' } },
    resolve: async (_root, args, ctx) => ({
      membership: await atomically(ctx, () => assignRank(serviceDeps(ctx), args.membershipId.id, args.rankId?.id ?? null)),
    }),
  }),
}));
