import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { IdentityError, SignInError } from './identity.errors.ts';
import { MembershipRef, RoleEnum, SignInSuccess } from './user.ts';
import { DepartmentRef } from '../tenancy/department.ts';
import { acceptMemberInvitation, inviteMember, removeMember, signIn, updateMember } from './user.service.ts';

const MembershipPayload = builder.objectRef<{ membership: { id: string } }>('MembershipPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    membership: t.field({ type: MembershipRef, resolve: (p) => p.membership as never }),
  }),
});

const MemberInvitationRef = builder.objectRef<{ invitationId: string; email: string; roles: string[] }>('MemberInvitation').implement({
  subGraphs: TENANT_GRAPHS,
  description:
    'A pending invitation to join this tenant, recorded by addMember. The person becomes a member once they accept it, ' +
    'signed in as themselves. It looks the same whether or not the e-mail already had an account.',
  fields: (t) => ({
    id: t.globalID({ resolve: (i) => ({ type: 'MemberInvitation', id: i.invitationId }) }),
    email: t.exposeString('email', { description: 'The e-mail as given (normalized).' }),
    roles: t.field({ type: [RoleEnum], resolve: (i) => i.roles as never }),
  }),
});

const MemberInvitationPayload = builder
  .objectRef<{ invitationId: string; email: string; roles: string[] }>('MemberInvitationPayload')
  .implement({ subGraphs: TENANT_GRAPHS, fields: (t) => ({ invitation: t.field({ type: MemberInvitationRef, resolve: (p) => p }) }) });

// The new membership is in the inviting tenant, which the accepting transaction may not be acting in
// (RLS would hide it): the payload names it by id, tenant and roles.
const AcceptedInvitationPayload = builder.objectRef<{ membershipId: string; tenantId: string; roles: string[] }>('AcceptMemberInvitationPayload').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
    membershipId: t.globalID({ resolve: (p) => ({ type: 'Membership', id: p.membershipId }) }),
    tenantId: t.globalID({ resolve: (p) => ({ type: 'Tenant', id: p.tenantId }), description: 'Choose it with X-Tenant-Id (or sign in again).' }),
    roles: t.field({ type: [RoleEnum], resolve: (p) => p.roles as never }),
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
  name: 'addMember',
  payload: MemberInvitationPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  description:
    'Invites a person by e-mail: a pending invitation they accept signed in (acceptMemberInvitation). An unknown e-mail ' +
    'gets a new account with the display name and password given; an existing account is never attached nor revealed.',
  errors: [IdentityError],
  input: (t) => ({
    email: t.string({ required: true }),
    displayName: t.string({ required: true, description: 'For a new account (an existing one keeps its own).' }),
    password: t.string({ required: false, description: 'Initial password for a new account (ignored for an existing one).' }),
    roles: t.field({ type: [RoleEnum], required: true }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    title: t.string({ required: false }),
  }),
  run: (deps, input, ctx) =>
    inviteMember(
      { ...deps, passwords: ctx.services.passwords },
      { ...input, password: input.password ?? undefined, departmentId: input.departmentId?.id ?? null },
    ),
});
mutationField({
  name: 'acceptMemberInvitation',
  subGraphs: ALL_GRAPHS,
  payload: AcceptedInvitationPayload,
  authScopes: { authenticated: true },
  description: 'The signed-in person accepts a pending invitation of theirs (see viewer.memberInvitations), whatever tenant they act in.',
  errors: [IdentityError],
  input: (t) => ({ id: t.globalID({ required: true, for: [MemberInvitationRef] }) }),
  run: (deps, input) => acceptMemberInvitation(deps, input.id.id),
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
