// Signing in, and a tenant admin managing the tenant's members (users, roles, department, rank).
import { z } from 'zod';
import type { Db, Role } from '@jiedai/db';
import { setScope } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput, isUniqueViolation, isForeignKeyViolation } from '../../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { accessChanged } from '../events/event.service.ts';
import { IdentityError, SignInError } from './identity.errors.ts';
import type { PasswordHasher } from './password.ts';
import type { TokenService } from './token.service.ts';
import type { SignInGuard } from './sign-in-guard.ts';

export const ROLES = ['TENANT_ADMIN', 'COORDINATOR', 'APPROVER', 'STAFF', 'VIEWER', 'PATIENT_DATA'] as const satisfies readonly Role[];

const email = z.string().trim().toLowerCase().email().max(254);
/** The rules of every new password (sign-up by invitation, change, reset): argon2id-hashed, 10 to 1024 characters. */
export const NEW_PASSWORD = z.string().min(10, 'at least 10 characters').max(1024);

export interface SignInDeps {
  db: Db;
  passwords: PasswordHasher;
  tokens: TokenService;
  guard: SignInGuard;
  clientAddress: string;
}

export async function signIn(deps: SignInDeps, input: { email: string; password: string }) {
  const parsed = parseInput(z.object({ email, password: z.string().min(1).max(1024) }), input);
  const wait = await deps.guard.begin(parsed.email, deps.clientAddress);
  if (wait > 0) {
    throw new SignInError('TOO_MANY_ATTEMPTS', `Too many failed sign-ins; try again in ${wait} s`, wait);
  }
  const rows = await deps.db.$queryRaw<{ id: string; password_hash: string | null; session_epoch: number }[]>`
    SELECT id, password_hash, session_epoch FROM auth_find_user_by_email(${parsed.email})`;
  const user = rows[0];
  const ok = await deps.passwords.verify(user?.password_hash ?? null, parsed.password);
  if (!user || !ok) {
    await deps.guard.failed(parsed.email, deps.clientAddress);
    throw new SignInError('INVALID_CREDENTIALS', 'Unknown e-mail or wrong password');
  }
  await deps.guard.succeeded(parsed.email, deps.clientAddress);
  // From here on the transaction acts as this user: their own memberships become visible.
  await setScope(deps.db, { userId: user.id });
  const memberships = await deps.db.membership.findMany({ where: { userId: user.id }, select: { tenantId: true } });
  const token = await deps.tokens.issue({
    userId: user.id,
    tenantId: memberships.length === 1 ? memberships[0]!.tenantId : null,
    sessionEpoch: user.session_epoch,
  });
  return { token, userId: user.id };
}

const memberInput = z.object({
  email,
  displayName: z.string().trim().min(1).max(200),
  password: NEW_PASSWORD.optional(),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  departmentId: z.string().uuid().nullish(),
  rankId: z.string().uuid().nullish(),
  title: z.string().trim().max(200).nullish(),
});
/** A member made directly, with an initial password (platform admins: the demo seed). */
export type ProvisionMemberInput = z.input<typeof memberInput>;

/**
 * Adds a person directly (platform admins only: the demo seed). The database refuses anyone else
 * (auth_ensure_user); tenant admins invite (`inviteMember`, invitation.service.ts).
 */
export async function provisionMember(deps: ServiceDeps & { passwords: PasswordHasher }, input: ProvisionMemberInput) {
  const data = parseInput(memberInput, input);
  const tenantId = deps.access.tenantId!;
  const passwordHash = data.password ? await deps.passwords.hash(data.password) : null;
  const rows = await deps.db.$queryRaw<{ id: string }[]>`
    SELECT auth_ensure_user(${data.email}, ${data.displayName}, ${passwordHash}) AS id`;
  const userId = rows[0]!.id;
  try {
    const membership = await deps.db.membership.create({
      data: {
        tenantId,
        userId,
        roles: data.roles,
        departmentId: data.departmentId ?? null,
        rankId: data.rankId ?? null,
        title: data.title ?? null,
      },
    });
    await recordAudit(deps, {
      action: 'member.added',
      targetType: 'Membership',
      targetId: membership.id,
      data: { roles: data.roles },
    });
    return membership;
  } catch (error) {
    if (isUniqueViolation(error)) throw new IdentityError('ALREADY_MEMBER', 'This person is already a member');
    if (isForeignKeyViolation(error)) throw new IdentityError('INVALID_REFERENCE', 'Unknown department or rank');
    throw error;
  }
}

const updateInput = z.object({
  membershipId: z.string().uuid(),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).optional(),
  departmentId: z.string().uuid().nullish(),
  rankId: z.string().uuid().nullish(),
  title: z.string().trim().max(200).nullish(),
});

export async function updateMember(deps: ServiceDeps, input: z.input<typeof updateInput>) {
  const data = parseInput(updateInput, input);
  const existing = await deps.db.membership.findUnique({ where: { id: data.membershipId } });
  if (!existing) throw new IdentityError('NOT_FOUND', 'No such member');
  if (data.roles && !data.roles.includes('TENANT_ADMIN') && existing.roles.includes('TENANT_ADMIN')) {
    await assertAnotherAdmin(deps.db, existing.id);
  }
  try {
    const membership = await deps.db.membership.update({
      where: { id: existing.id },
      data: {
        roles: data.roles,
        departmentId: data.departmentId,
        rankId: data.rankId,
        title: data.title,
      },
    });
    await recordAudit(deps, {
      action: 'member.updated',
      targetType: 'Membership',
      targetId: membership.id,
      data: { before: { roles: existing.roles }, after: { roles: membership.roles } },
    });
    // Live streams of this member re-check what they may still see.
    if (!sameRoles(existing.roles, membership.roles)) await accessChanged(deps, { userId: existing.userId, reason: 'member.updated' });
    return membership;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new IdentityError('INVALID_REFERENCE', 'Unknown department or rank');
    throw error;
  }
}

export async function removeMember(deps: ServiceDeps, membershipId: string) {
  const existing = await deps.db.membership.findUnique({ where: { id: membershipId } });
  if (!existing) throw new IdentityError('NOT_FOUND', 'No such member');
  if (existing.roles.includes('TENANT_ADMIN')) await assertAnotherAdmin(deps.db, existing.id);
  await deps.db.membership.delete({ where: { id: existing.id } });
  await recordAudit(deps, { action: 'member.removed', targetType: 'Membership', targetId: existing.id });
  // Live streams of this member end at this point (they re-check access, see event-stream.ts).
  await accessChanged(deps, { userId: existing.userId, reason: 'member.removed' });
  return existing;
}

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((r) => b.includes(r));

async function assertAnotherAdmin(db: Db, exceptMembershipId: string) {
  const others = await db.membership.count({
    where: { id: { not: exceptMembershipId }, roles: { has: 'TENANT_ADMIN' } },
  });
  if (others === 0) throw new IdentityError('LAST_ADMIN', 'A tenant keeps at least one tenant admin');
}

export interface PendingInvitation {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantKind: string;
  roles: Role[];
  createdAt: Date;
}

/** The signed-in user's own pending invitations, from every tenant (their own data, not a tenant's). */
export async function pendingInvitations(db: Db, userId: string | null): Promise<PendingInvitation[]> {
  if (!userId) return [];
  const rows = await db.$queryRaw<{ id: string; tenant_id: string; tenant_name: string; tenant_kind: string; roles: Role[]; created_at: Date }[]>`
    SELECT id, tenant_id, tenant_name, tenant_kind::text AS tenant_kind, roles::text[] AS roles, created_at FROM member_pending_invitations()`;
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, tenantName: r.tenant_name, tenantKind: r.tenant_kind, roles: r.roles, createdAt: r.created_at }));
}
