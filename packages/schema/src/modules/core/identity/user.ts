// Users and memberships: `viewer`, the tenant's members, and `signIn`'s success type.
import { ALL_GRAPHS, builder } from '../../../builder.ts';
import type { Context } from '../../../context.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';
import { TenantKindEnum } from '../tenancy/tenant.ts';
import { pendingInvitations, ROLES, type PendingInvitation } from './user.service.ts';

export const RoleEnum = builder.enumType('Role', {
  values: ROLES,
  subGraphs: ALL_GRAPHS,
  description:
    'What a member may do in a tenant. TENANT_ADMIN ⊇ COORDINATOR ⊇ STAFF ⊇ VIEWER; APPROVER approves reception plans; ' +
    "PATIENT_DATA (granted on its own, implied by no other role) sees discharged patients' personal health data.",
});

const PendingInvitationRef = builder.objectRef<PendingInvitation>('PendingMemberInvitation').implement({
  subGraphs: ALL_GRAPHS,
  description: 'An invitation to join a tenant, waiting for the invited person to accept it.',
  fields: (t) => ({
    id: t.globalID({ resolve: (i) => ({ type: 'MemberInvitation', id: i.id }) }),
    tenantId: t.globalID({ resolve: (i) => ({ type: 'Tenant', id: i.tenantId }) }),
    tenantName: t.exposeString('tenantName'),
    tenantKind: t.field({ type: TenantKindEnum, resolve: (i) => i.tenantKind as never }),
    roles: t.field({ type: [RoleEnum], resolve: (i) => i.roles }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** How a field holding a person documents what it gives (users are visible to co-members only: RLS on users). */
export const USER_REFERENCE = 'null when none, or when that person is not a member of this tenant (any more)';

/**
 * A person referenced by user id, as a `User`. One query per list, not per item: Prisma folds the findUnique
 * calls made in one tick (the items of a list) into one `WHERE id IN (…)`. RLS on users shows only the members
 * of the tenant acting (and oneself), so a person outside the tenant resolves to null and nothing of them leaks.
 */
export function userById<Q extends object>(ctx: Context, query: Q, id: string | null | undefined) {
  return id ? ctx.db.user.findUnique({ ...query, where: { id } }) : null;
}

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  subGraphs: ALL_GRAPHS,
  nullable: true,
  fields: (t) => ({
    email: t.exposeString('email'),
    displayName: t.exposeString('displayName'),
    isPlatformAdmin: t.exposeBoolean('isPlatformAdmin'),
    memberships: t.relation('memberships', {
      description: "Without a tenant chosen: the viewer's memberships in every tenant. In a tenant: that tenant's only.",
      query: { orderBy: { createdAt: 'asc' } },
    }),
    memberInvitations: t.field({
      type: [PendingInvitationRef],
      description: "The viewer's own pending invitations to join a tenant, from every tenant (accept with acceptMemberInvitation).",
      resolve: (user, _args, ctx) => (user.id === ctx.access.userId ? pendingInvitations(ctx.db, ctx.access.userId) : []),
    }),
  }),
});

// Select mode (shared/lean-rows.ts): a board's assignees load the columns asked for, nothing else.
export const MembershipRef = builder.prismaNode('Membership', {
  id: { field: 'id' },
  select: { id: true },
  subGraphs: ALL_GRAPHS,
  nullable: true,
  fields: (t) => ({
    tenant: t.relation('tenant'),
    user: t.relation('user'),
    roles: t.field({ type: [RoleEnum], select: { roles: true }, resolve: (m) => m.roles }),
    title: t.exposeString('title', { nullable: true }),
    department: t.relation('department', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The signed-in user, or null for anonymous callers and API keys.',
    resolve: (query, _root, _args, ctx) => (ctx.access.userId ? ctx.db.user.findUnique({ ...query, where: { id: ctx.access.userId } }) : null),
  }),
  members: t.prismaConnection(
    {
      type: 'Membership',
      cursor: 'id',
      totalCount: (_root, args, ctx) => ctx.db.membership.count({ where: args.role ? { roles: { has: args.role } } : {} }),
      subGraphs: ['government', 'hospital', 'hotel'],
      authScopes: { member: true },
      args: { role: t.arg({ type: RoleEnum, required: false }) },
      resolve: (query, _root, args, ctx) =>
        ctx.db.membership.findMany({
          ...query,
          where: args.role ? { roles: { has: args.role } } : {},
          orderBy: { createdAt: 'asc' },
        }),
    },
    connectionNamed('Membership'),
    edgeNamed('Membership'),
  ),
}));

export const SignInSuccess = builder.objectRef<{ token: string; userId: string }>('SignInSuccess').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Bearer token (JWT) for the Authorization header.' }),
    viewer: t.prismaField({
      type: 'User',
      resolve: (query, parent, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: parent.userId } }),
    }),
  }),
});
