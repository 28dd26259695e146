import { builder, TENANT_GRAPHS } from '../../../builder.ts';
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
import { addMember, removeMember, signIn, updateMember } from './user.service.ts';

registerDomainError(SignInError, 'SignInError', SIGN_IN_ERROR_CODES, 'Sign-in refused. Unknown e-mail and wrong password look the same.');
registerDomainError(IdentityError, 'IdentityError', IDENTITY_ERROR_CODES, 'A membership change was refused.');

const MembershipPayload = builder.objectRef<{ membership: { id: string } }>('MembershipPayload').implement({
  fields: (t) => ({
    membership: t.field({ type: MembershipRef, resolve: (p) => p.membership as never }),
  }),
});

const RemoveMemberPayload = builder.objectRef<{ removedMembershipId: string }>('RemoveMemberPayload').implement({
  fields: (t) => ({
    removedMembershipId: t.globalID({ resolve: (p) => ({ type: 'Membership', id: p.removedMembershipId }) }),
  }),
});

const AddMemberInput = builder.inputType('AddMemberInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    displayName: t.string({ required: true }),
    password: t.string({ required: false, description: 'Initial password for a new account (ignored for an existing one).' }),
    roles: t.field({ type: [RoleEnum], required: true }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    title: t.string({ required: false }),
  }),
});

const UpdateMemberInput = builder.inputType('UpdateMemberInput', {
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
    type: MembershipPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: AddMemberInput, required: true }) },
    errors: { types: [IdentityError, ValidationError], directResult: true, union: { name: 'AddMemberResult' } },
    resolve: async (_root, { input }, ctx) => ({
      membership: await atomically(ctx, () =>
        addMember(
          { ...serviceDeps(ctx), passwords: ctx.services.passwords },
          { ...input, password: input.password ?? undefined, departmentId: input.departmentId?.id ?? null },
        ),
      ),
    }),
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
