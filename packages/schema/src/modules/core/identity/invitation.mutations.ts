// Invitations in GraphQL: a tenant admin's addMember (invites by e-mail), resendMemberInvitation,
// revokeMemberInvitation and the pending list; the link holder's memberInvitation(token:) and
// acceptMemberInvitationByToken (no account needed: the link is the permission); and the signed-in
// person's acceptMemberInvitation(id:).
import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import type { Context } from '../../../context.ts';
import { serviceDeps } from '../../../context.ts';
import { errorTypes } from '../../../shared/graphql-errors.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { DepartmentRef } from '../tenancy/department.ts';
import { TenantKindEnum } from '../tenancy/tenant.ts';
import { IdentityError, InvitationError } from './identity.errors.ts';
import {
  acceptMemberInvitation,
  acceptMemberInvitationByToken,
  DEFAULT_INVITATION_TTL_HOURS,
  invitationByToken,
  type InvitationView,
  inviteMember,
  type MemberInvitationRecord,
  memberInvitations,
  resendMemberInvitation,
  revokeMemberInvitation,
} from './invitation.service.ts';
import { RoleEnum } from './user.ts';

const invitationDeps = (ctx: Context) => ({
  ...serviceDeps(ctx),
  mail: ctx.services.mail,
  invitations: ctx.services.invitations,
  origin: ctx.origin,
});

export const MemberInvitationRef = builder.objectRef<MemberInvitationRecord>('MemberInvitation').implement({
  subGraphs: TENANT_GRAPHS,
  description:
    'A pending invitation to join this tenant (addMember): its link went to the e-mail. The person becomes a member once they ' +
    'accept it. It looks the same whether or not the e-mail already has an account.',
  fields: (t) => ({
    id: t.globalID({ resolve: (i) => ({ type: 'MemberInvitation', id: i.id }) }),
    email: t.exposeString('email', { description: 'The e-mail as given (normalized).' }),
    displayName: t.exposeString('displayName', { description: 'The name given, used for a new account.' }),
    roles: t.field({ type: [RoleEnum], resolve: (i) => i.roles }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When its link stops working (resendMemberInvitation gives a new one).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const MemberInvitationPayload = builder
  .objectRef<MemberInvitationRecord>('MemberInvitationPayload')
  .implement({ subGraphs: TENANT_GRAPHS, fields: (t) => ({ invitation: t.field({ type: MemberInvitationRef, resolve: (p) => p }) }) });

const RevokeMemberInvitationPayload = builder.objectRef<{ revokedInvitationId: string }>('RevokeMemberInvitationPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ revokedInvitationId: t.globalID({ resolve: (p) => ({ type: 'MemberInvitation', id: p.revokedInvitationId }) }) }),
});

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

const AcceptedByTokenPayload = builder
  .objectRef<{ membershipId: string; tenantId: string; roles: string[]; email: string; createdAccount: boolean }>('AcceptMemberInvitationByTokenPayload')
  .implement({
    subGraphs: ALL_GRAPHS,
    description: 'The person is a member now: sign in with the e-mail and password (signIn).',
    fields: (t) => ({
      membershipId: t.globalID({ resolve: (p) => ({ type: 'Membership', id: p.membershipId }) }),
      tenantId: t.globalID({ resolve: (p) => ({ type: 'Tenant', id: p.tenantId }) }),
      roles: t.field({ type: [RoleEnum], resolve: (p) => p.roles as never }),
      email: t.exposeString('email', { description: 'The e-mail to sign in with.' }),
      createdAccount: t.exposeBoolean('createdAccount', { description: 'Whether an account was made now (with the password given).' }),
    }),
  });

const InvitationViewRef = builder.objectRef<InvitationView>('MemberInvitationLink').implement({
  subGraphs: ALL_GRAPHS,
  description: "What an invitation link's holder sees: who invites, with which roles, and whether accepting needs a new password.",
  fields: (t) => ({
    tenantName: t.exposeString('tenantName'),
    tenantKind: t.field({ type: TenantKindEnum, resolve: (i) => i.tenantKind as never }),
    roles: t.field({ type: [RoleEnum], resolve: (i) => i.roles }),
    email: t.exposeString('email'),
    displayName: t.exposeString('displayName'),
    hasAccount: t.exposeBoolean('hasAccount', {
      description: 'The e-mail already has an account: accepting adds it without a new password. Otherwise a password is needed.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  memberInvitation: t.field({
    type: InvitationViewRef,
    subGraphs: ALL_GRAPHS,
    description:
      'The invitation of a link (`jdi_…`). No account needed: the link is the permission. INVALID_TOKEN for used, expired, revoked and unknown links.',
    args: { token: t.arg.string({ required: true }) },
    errors: { types: errorTypes(ALL_GRAPHS, InvitationError), directResult: true, union: { name: 'MemberInvitationLinkResult' } },
    resolve: (_root, args, ctx) => invitationByToken(serviceDeps(ctx), args.token),
  }),
  memberInvitations: t.field({
    type: [MemberInvitationRef],
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    description: "This tenant's pending invitations, oldest first (at most 500), expired ones included (resend or revoke them).",
    resolve: (_root, _args, ctx) => memberInvitations(serviceDeps(ctx)),
  }),
}));

mutationField({
  name: 'addMember',
  payload: MemberInvitationPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  description:
    'Invites a person by e-mail: a pending invitation and a mail with its single-use link (valid ' +
    `${DEFAULT_INVITATION_TTL_HOURS / 24} days unless configured). The person accepts it (acceptMemberInvitationByToken, or the ` +
    "gateway's /i/<token> page): a new person sets a password, an existing user is added. Nobody is added before that, and the " +
    'answer is the same whether or not the e-mail has an account. Inviting a pending e-mail again replaces its roles and link.',
  errors: [IdentityError],
  input: (t) => ({
    email: t.string({ required: true }),
    displayName: t.string({ required: true, description: 'For a new account (an existing one keeps its own), and the greeting of the mail.' }),
    roles: t.field({ type: [RoleEnum], required: true }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    title: t.string({ required: false }),
  }),
  run: (_deps, input, ctx) => inviteMember(invitationDeps(ctx), { ...input, departmentId: input.departmentId?.id ?? null }),
});

mutationField({
  name: 'resendMemberInvitation',
  payload: MemberInvitationPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  description: 'Mails a pending invitation again with a new link (and a new expiry); the old link stops working at once.',
  errors: [IdentityError],
  input: (t) => ({ id: t.globalID({ required: true, for: [MemberInvitationRef] }) }),
  run: (_deps, input, ctx) => resendMemberInvitation(invitationDeps(ctx), input.id.id),
});

mutationField({
  name: 'revokeMemberInvitation',
  payload: RevokeMemberInvitationPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  description: 'Withdraws a pending invitation: its link stops working.',
  errors: [IdentityError],
  input: (t) => ({ id: t.globalID({ required: true, for: [MemberInvitationRef] }) }),
  run: (deps, input) => revokeMemberInvitation(deps, input.id.id),
});

mutationField({
  name: 'acceptMemberInvitationByToken',
  subGraphs: ALL_GRAPHS,
  payload: AcceptedByTokenPayload,
  description:
    "Accepts an invitation with its link's token, without signing in. A new person gives a password (at least 10 characters) " +
    'and their account is made; an existing user gives none (one given is ignored: an account is never changed here). ' +
    'INVALID_TOKEN for used, expired, revoked and unknown links alike; PASSWORD_REQUIRED leaves the link usable.',
  errors: [InvitationError],
  input: (t) => ({
    token: t.string({ required: true, description: 'The `jdi_…` token of the link.' }),
    password: t.string({ required: false, description: 'The new account’s password (a new person only).' }),
  }),
  run: (deps, input, ctx) => acceptMemberInvitationByToken({ ...deps, passwords: ctx.services.passwords }, input),
});

mutationField({
  name: 'acceptMemberInvitation',
  subGraphs: ALL_GRAPHS,
  payload: AcceptedInvitationPayload,
  authScopes: { authenticated: true },
  description: 'The signed-in person accepts a pending invitation to their e-mail (see viewer.memberInvitations), whatever tenant they act in.',
  errors: [IdentityError],
  input: (t) => ({ id: t.globalID({ required: true, for: [MemberInvitationRef] }) }),
  run: (deps, input) => acceptMemberInvitation(deps, input.id.id),
});
