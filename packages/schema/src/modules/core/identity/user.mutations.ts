import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { registerDomainError } from '../../../shared/graphql-errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import {
  IDENTITY_ERROR_CODES,
  IdentityError,
  SIGN_IN_ERROR_CODES,
  SignInError,
} from './identity.errors.ts';
import { MembershipRef, RoleEnum, SignInSuccess } from './user.ts';
import { DepartmentRef } from '../tenancy/department.ts';
import { acceptMemberInvitation, inviteMember, removeMember, signIn, updateMember } from './user.service.ts';

registerDomainError(SignInError, 'SignInError', SIGN_IN_ERROR_CODES, 'Sign-in refused. Unknown e-mail and wrong password look the same.', ALL_GRAPHS);
registerDomainError(IdentityError, 'IdentityError', IDENTITY_ERROR_CODES, 'A membership change was refused.', ALL_GRAPHS);

const MembershipPayload = builder.objectRef<{ membership: { id: string } }>('MembershipPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    membership: t.field({ type: MembershipRef, resolve: (p) => p.membership as never }),
  }),
});

const MemberInvitationRef = builder
  .objectRef<{ invitationId: string; email: string; roles: string[] }>('MemberInvitation')
  .implement({
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
const AcceptedInvitationPayload = builder
  .objectRef<{ membershipId: string; tenantId: string; roles: string[] }>('AcceptMemberInvitationPayload')
  .implement({
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

const AddMemberInput = builder.inputType('AddMemberInput', {
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    email: t.string({ required: true }),
    displayName: t.string({ required: true, description: 'For a new account (an existing one keeps its own).' }),
    password: t.string({ required: false, description: 'Initial password for a new account (ignored for an existing one).' }),
    roles: t.field({ type: [RoleEnum], required: true }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    title: t.string({ required: false }),
  }),
});

const UpdateMemberInput = builder.inputType('UpdateMemberInput', {
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    membershipId: t.globalID({ required: true, for: [MembershipRef] }),
    roles: t.field({ type: [RoleEnum], required: false }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    title: t.string({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  signIn: t.field({
    type: SignInSuccess,
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    errors: { types: [SignInError, ValidationError], directResult: true, union: { name: 'SignInResult' } },
    resolve: (_root, args, ctx) =>
      atomically(ctx, () =>
        signIn(
          {
            db: ctx.db,
            passwords: ctx.services.passwords,
            tokens: ctx.services.tokens,
            guard: ctx.services.signInGuard,
            clientAddress: ctx.clientAddress,
          },
          args,
        ),
      ),
  }),
  addMember: t.field({
    type: MemberInvitationPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    description:
      'Invites a person by e-mail: a pending invitation they accept signed in (acceptMemberInvitation). An unknown e-mail ' +
      'gets a new account with the display name and password given; an existing account is never attached nor revealed.',
    args: { input: t.arg({ type: AddMemberInput, required: true }) },
    errors: { types: [IdentityError, ValidationError], directResult: true, union: { name: 'AddMemberResult' } },
    resolve: (_root, { input }, ctx) =>
      atomically(ctx, () =>
        inviteMember(
          { ...serviceDeps(ctx), passwords: ctx.services.passwords },
          { ...input, password: input.password ?? undefined, departmentId: input.departmentId?.id ?? null },
        ),
      ),
  }),
  acceptMemberInvitation: t.field({
    type: AcceptedInvitationPayload,
    authScopes: { authenticated: true },
    description: "The signed-in person accepts a pending invitation of theirs (see viewer.memberInvitations), whatever tenant they act in.",
    args: { id: t.arg.globalID({ required: true, for: [MemberInvitationRef] }) },
    errors: { types: [IdentityError, ValidationError], directResult: true, union: { name: 'AcceptMemberInvitationResult' } },
    resolve: (_root, args, ctx) => atomically(ctx, () => acceptMemberInvitation(serviceDeps(ctx), args.id.id)),
  }),
  updateMember: t.field({
    type: MembershipPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: UpdateMemberInput, required: true }) },
    errors: { types: [IdentityError, ValidationError], directResult: true, union: { name: 'UpdateMemberResult' } },
    resolve: async (_root, { input }, ctx) => ({
      membership: await atomically(ctx, () =>
        updateMember(serviceDeps(ctx), {
          membershipId: input.membershipId.id,
          roles: input.roles ?? undefined,
          departmentId: input.departmentId === undefined ? undefined : (input.departmentId?.id ?? null),
          title: input.title,
        }),
      ),
    }),
  }),
  removeMember: t.field({
    type: RemoveMemberPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { membershipId: t.arg.globalID({ required: true, for: [MembershipRef] }) },
    errors: { types: [IdentityError], directResult: true, union: { name: 'RemoveMemberResult' } },
    resolve: async (_root, args, ctx) => ({
      removedMembershipId: (await atomically(ctx, () => removeMember(serviceDeps(ctx), args.membershipId.id))).id,
    }),
  }),
}));
