import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { MembershipRef } from '../core/identity/user.ts';
import { GovernmentError } from './government.errors.ts';
import { RankRef } from './rank.ts';
import { assignRank, defineRank, deleteRank } from './rank.service.ts';

const GOV: ['government'] = ['government'];

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

mutationField({
  name: 'defineRank',
  payload: RankPayload,
  subGraphs: GOV,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [GovernmentError],
  input: (t) => ({
    name: t.string({ required: true }),
    nameEn: t.string({ required: false }),
    level: t.int({ required: true, description: '1 is the highest.' }),
  }),
  run: async (deps, input) => ({ rank: await defineRank(deps, input) }),
});
mutationField({
  name: 'deleteRank',
  payload: DeleteRankPayload,
  subGraphs: GOV,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [GovernmentError],
  input: (t) => ({ id: t.globalID({ required: true, for: [RankRef] }) }),
  run: (deps, input) => deleteRank(deps, input.id.id),
});
mutationField({
  name: 'assignRank',
  payload: AssignRankPayload,
  subGraphs: GOV,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [GovernmentError],
  input: (t) => ({
    membershipId: t.globalID({ required: true, for: [MembershipRef] }),
    rankId: t.globalID({ required: false, for: [RankRef], description: 'Null clears the rank.' }),
  }),
  run: async (deps, input) => ({ membership: await assignRank(deps, input.membershipId.id, input.rankId?.id ?? null) }),
});
