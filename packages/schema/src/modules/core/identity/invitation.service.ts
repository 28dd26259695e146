// Invitations by e-mail: a tenant admin invites a person with roles; the person gets a single-use,
// expiring link (`jdi_<tenant>_<secret>`, only its SHA-256 is kept) and accepts it — a new person sets
// their password then, an existing user is added without one (holding the link proves the mailbox, as a
// reset link does). Nothing tells the admin whether the e-mail has an account anywhere, and nobody is
// added before they accept. See prisma/migrations/0020_member_invitation_links.sql.
import { z } from 'zod';
import type { Role } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import type { MailChannel } from '../../../shared/mail.ts';
import { newLinkToken, parseLinkToken } from '../../../shared/public-links.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IdentityError, InvitationError } from './identity.errors.ts';
import type { PasswordHasher } from './password.ts';
import { NEW_PASSWORD, ROLES } from './user.service.ts';

export const INVITATION_TOKEN_PREFIX = 'jdi_';
/** How long an invitation link works unless configured (INVITATION_TTL_HOURS). */
export const DEFAULT_INVITATION_TTL_HOURS = 7 * 24;

export interface InvitationSettings {
  /** Links are this followed by the token (INVITATION_LINK_BASE_URL); else the gateway's own `/i/` page at `origin` (outside production). */
  linkBase?: string | undefined;
  ttlHours?: number | undefined;
}

export interface InvitationDeps extends ServiceDeps {
  mail: MailChannel;
  invitations?: InvitationSettings | undefined;
  /** The origin the request came to (scheme://host), for links to the gateway's own page when no base is configured. */
  origin?: string | undefined;
}

const email = z.string().trim().toLowerCase().email().max(254);
const inviteInput = z.object({
  email,
  displayName: z.string().trim().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  departmentId: z.string().uuid().nullish(),
  rankId: z.string().uuid().nullish(),
  title: z.string().trim().max(200).nullish(),
});
export type InviteMemberInput = z.input<typeof inviteInput>;

/** A pending invitation as its tenant's admins see it. */
export interface MemberInvitationRecord {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  expiresAt: Date;
  createdAt: Date;
}
const RECORD = { id: true, email: true, displayName: true, roles: true, expiresAt: true, createdAt: true } as const;

/** The tenant's pending invitations (RLS: this tenant's), oldest first; expired ones too (resend them). */
export function memberInvitations(deps: ServiceDeps): Promise<MemberInvitationRecord[]> {
  return deps.db.tenantInvitation.findMany({ select: RECORD, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500 });
}

const ttlHours = (deps: InvitationDeps) => deps.invitations?.ttlHours ?? DEFAULT_INVITATION_TTL_HOURS;

/** The link mailed: the configured base, else the gateway's own /i/ page on the request's origin (outside production), else the token alone. */
export function invitationLink(deps: Pick<InvitationDeps, 'invitations' | 'origin'>, token: string): string {
  const base = deps.invitations?.linkBase ?? (deps.origin ? `${deps.origin}/i/` : '');
  return `${base}${token}`;
}

async function mailInvitation(deps: InvitationDeps, to: { email: string; displayName: string; roles: readonly string[] }, token: string) {
  const tenant = await deps.db.tenant.findUniqueOrThrow({ where: { id: deps.access.tenantId! }, select: { name: true } });
  const link = invitationLink(deps, token);
  const hours = ttlHours(deps);
  const days = hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`;
  const tage = hours % 24 === 0 ? `${hours / 24} 天` : `${hours} 小时`;
  await deps.mail.send({
    to: to.email,
    subject: `加入「${tenant.name}」的邀请 · Invitation to join ${tenant.name} on Jiedai`,
    text:
      `${to.displayName}，您好：\n\n「${tenant.name}」邀请您加入接待系统（角色：${to.roles.join('、')}）。请在 ${tage}内打开以下链接接受邀请，链接仅可使用一次：\n${link}\n\n` +
      `Hello ${to.displayName},\n\n${tenant.name} invites you to Jiedai (roles: ${to.roles.join(', ')}). Open this link within ${days} to accept; it works once:\n${link}\n\n` +
      '如您不认识邀请方，请忽略本邮件。If you were not expecting this, ignore this message: nothing happens unless you accept.',
  });
}

/**
 * A tenant admin invites a person by e-mail: a pending invitation and a mail with its link. The answer is the
 * same whether or not the e-mail has an account (here or in another tenant); no account is made or changed.
 * Inviting a pending e-mail again replaces its roles and its link (the old link stops working).
 */
export async function inviteMember(deps: InvitationDeps, input: InviteMemberInput) {
  const data = parseInput(inviteInput, input);
  // References are checked in this tenant (RLS) before anything is written.
  if (data.departmentId && !(await deps.db.department.findUnique({ where: { id: data.departmentId }, select: { id: true } }))) {
    throw new IdentityError('INVALID_REFERENCE', 'Unknown department or rank');
  }
  if (data.rankId && !(await deps.db.rank.findUnique({ where: { id: data.rankId }, select: { id: true } }))) {
    throw new IdentityError('INVALID_REFERENCE', 'Unknown department or rank');
  }
  const { token, tokenHash } = newLinkToken(INVITATION_TOKEN_PREFIX, deps.access.tenantId!);
  const rows = await deps.db.$queryRaw<{ id: string | null }[]>`
    SELECT member_invite(${data.email}, ${data.displayName}, ${data.roles}::member_role[], ${data.departmentId ?? null}::uuid,
                         ${data.title ?? null}, ${tokenHash}, ${`${ttlHours(deps)} hours`}::interval) AS id`;
  const invitationId = rows[0]?.id;
  // Already a member of this tenant: the admin sees the tenant's members anyway, so this says nothing new.
  if (!invitationId) throw new IdentityError('ALREADY_MEMBER', 'This person is already a member');
  await recordAudit(deps, { action: 'member.invited', targetType: 'TenantInvitation', targetId: invitationId, data: { roles: data.roles } });
  await mailInvitation(deps, data, token);
  return deps.db.tenantInvitation.findUniqueOrThrow({ where: { id: invitationId }, select: RECORD });
}

/** A new link for a pending invitation (mailed again); the old link stops working at once. */
export async function resendMemberInvitation(deps: InvitationDeps, invitationId: string) {
  const id = parseInput(z.string().uuid(), invitationId);
  const { token, tokenHash } = newLinkToken(INVITATION_TOKEN_PREFIX, deps.access.tenantId!);
  const rows = await deps.db.$queryRaw<{ email: string; display_name: string; roles: Role[] }[]>`
    SELECT email, display_name, roles::text[] AS roles FROM member_resend_invitation(${id}::uuid, ${tokenHash}, ${`${ttlHours(deps)} hours`}::interval)`;
  const found = rows[0];
  if (!found) throw new IdentityError('NOT_FOUND', 'No such invitation');
  await recordAudit(deps, { action: 'member.invitation_resent', targetType: 'TenantInvitation', targetId: id });
  await mailInvitation(deps, { email: found.email, displayName: found.display_name, roles: found.roles }, token);
  return deps.db.tenantInvitation.findUniqueOrThrow({ where: { id }, select: RECORD });
}

/** Withdraws a pending invitation: its link stops working. */
export async function revokeMemberInvitation(deps: ServiceDeps, invitationId: string) {
  const id = parseInput(z.string().uuid(), invitationId);
  const existing = await deps.db.tenantInvitation.findUnique({ where: { id }, select: { id: true } });
  if (!existing) throw new IdentityError('NOT_FOUND', 'No such invitation');
  await deps.db.tenantInvitation.delete({ where: { id } });
  await recordAudit(deps, { action: 'member.invitation_revoked', targetType: 'TenantInvitation', targetId: id });
  return { revokedInvitationId: id };
}

/** The signed-in person accepts a pending invitation to their own e-mail (whatever tenant they act in): it becomes their membership. */
export async function acceptMemberInvitation(deps: ServiceDeps, invitationId: string) {
  const id = parseInput(z.string().uuid(), invitationId);
  if (deps.access.userId === null) throw new IdentityError('NOT_FOUND', 'No such invitation');
  const rows = await deps.db.$queryRaw<{ membership_id: string; tenant_id: string; roles: Role[] }[]>`
    SELECT membership_id, tenant_id, roles::text[] AS roles FROM member_accept_invitation(${id}::uuid)`;
  const accepted = rows[0];
  if (!accepted) throw new IdentityError('NOT_FOUND', 'No such invitation');
  return { membershipId: accepted.membership_id, tenantId: accepted.tenant_id, roles: accepted.roles };
}

export interface InvitationView {
  tenantName: string;
  tenantKind: string;
  roles: Role[];
  email: string;
  displayName: string;
  /** Whether the e-mail already has an account (then accepting needs no password). */
  hasAccount: boolean;
  expiresAt: Date;
}

const invalidToken = () => Object.assign(new InvitationError('INVALID_TOKEN', 'This invitation link is used, expired or unknown'), { path: ['token'] });

/** What the holder of a link sees (the accept page); INVALID_TOKEN for used, expired, revoked and unknown alike. */
export async function invitationByToken(deps: ServiceDeps, token: string): Promise<InvitationView> {
  const parsed = parseLinkToken(INVITATION_TOKEN_PREFIX, token);
  if (!parsed) throw invalidToken();
  const rows = await deps.db.$queryRaw<
    { tenant_name: string; tenant_kind: string; roles: Role[]; email: string; display_name: string; has_account: boolean; expires_at: Date }[]
  >`SELECT tenant_name, tenant_kind::text AS tenant_kind, roles::text[] AS roles, email, display_name, has_account, expires_at
      FROM member_invitation_by_token(${parsed.tenantId}::uuid, ${parsed.tokenHash})`;
  const row = rows[0];
  if (!row) throw invalidToken();
  return {
    tenantName: row.tenant_name,
    tenantKind: row.tenant_kind,
    roles: row.roles,
    email: row.email,
    displayName: row.display_name,
    hasAccount: row.has_account,
    expiresAt: row.expires_at,
  };
}

/**
 * Accepts an invitation with its link's token, without signing in. A new person gives their password
 * (the same rules as everywhere: NEW_PASSWORD), and their account is made with it; an existing user gives
 * none (one given is ignored: an account is never changed by an invitation). PASSWORD_REQUIRED leaves the
 * link usable; INVALID_TOKEN is the one answer for used, expired, revoked and unknown links.
 */
export async function acceptMemberInvitationByToken(deps: ServiceDeps & { passwords: PasswordHasher }, input: { token: string; password?: string | null }) {
  const parsed = parseLinkToken(INVITATION_TOKEN_PREFIX, input.token);
  if (!parsed) throw invalidToken();
  const view = await invitationByToken(deps, input.token);
  let passwordHash: string | null = null;
  if (!view.hasAccount) {
    if (!input.password) {
      throw Object.assign(new InvitationError('PASSWORD_REQUIRED', 'Choose a password to create your account'), { path: ['password'] });
    }
    const password = parseInput(z.object({ password: NEW_PASSWORD }), { password: input.password }).password;
    passwordHash = await deps.passwords.hash(password);
  }
  const rows = await deps.db.$queryRaw<
    { status: string; user_id: string; membership_id: string; tenant_id: string; roles: Role[]; email: string; created_account: boolean }[]
  >`
    SELECT status, user_id, membership_id, tenant_id, roles::text[] AS roles, email, created_account
      FROM member_accept_invitation_by_token(${parsed.tenantId}::uuid, ${parsed.tokenHash}, ${passwordHash})`;
  const row = rows[0];
  if (!row) throw invalidToken();
  // The account came into existence between the look and the accept, and no password was given: ask again.
  if (row.status === 'PASSWORD_REQUIRED')
    throw Object.assign(new InvitationError('PASSWORD_REQUIRED', 'Choose a password to create your account'), { path: ['password'] });
  return {
    membershipId: row.membership_id,
    tenantId: row.tenant_id,
    roles: row.roles,
    email: row.email,
    createdAccount: row.created_account,
  };
}
