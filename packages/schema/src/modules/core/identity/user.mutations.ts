import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { IdentityError, SignInError } from './identity.errors.ts';
import { MembershipRef, RoleEnum, SignInSuccess } from './user.ts';
import { DepartmentRef } from '../tenancy/department.ts';
import { removeMember, signIn, updateMember } from './user.service.ts';

const MembershipPayload = builder.objectRef<{ membership: { id: string } }>('MembershipPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    membership: t.field({ type: MembershipRef, resolve: (p) => p.membership as never }),
  }),
});

const RemoveMemberPayload = builder.objectRef<{ removedMembershipId: string }>('RemoveMemberPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    removedMembershipId: t.globalID({ resolve: (p) => ({ type: 'Membership', id: p.removedMembershipId }) }),
  }),
});

mutationField({
  name: 'signIn',
  subGraphs: ALL_GRAPHS,
  payload: SignInSuccess,
  errors: [SignInError],
  input: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
  run: (deps, input, ctx) =>
    signIn(
      {
        db: deps.db,
        passwords: ctx.services.passwords,
        tokens: ctx.services.tokens,
        guard: ctx.services.signInGuard,
        clientAddress: ctx.clientAddress,
      },
      input,
    ),
});
mutationField({
  name: 'updateMember',
  payload: MembershipPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [IdentityError],
  input: (t) => ({
    membershipId: t.globalID({ required: true, for: [MembershipRef] }),
    roles: t.field({ type: [RoleEnum], required: false }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    title: t.string({ required: false }),
  }),
  run: async (deps, input) => ({
    membership: await updateMember(deps, {
      membershipId: input.membershipId.id,
      roles: input.roles ?? undefined,
      departmentId: input.departmentId === undefined ? undefined : (input.departmentId?.id ?? null),
      title: input.title,
    }),
  }),
});
mutationField({
  name: 'removeMember',
  payload: RemoveMemberPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [IdentityError],
  input: (t) => ({ membershipId: t.globalID({ required: true, for: [MembershipRef] }) }),
  run: async (deps, input) => ({ removedMembershipId: (await removeMember(deps, input.membershipId.id)).id }),
});
