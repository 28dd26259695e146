// A person's own account: change the password (with the current one), reset it with a single-use token
// sent by e-mail, sign out (this session, or everywhere). A change or reset ends every session issued
// before it (the session epoch moves on, see 0017_sessions_and_passwords.sql); each is recorded in the
// person's security log by the database functions themselves.
import { randomBytes } from 'node:crypto';
import { hashLinkToken } from '../../../shared/public-links.ts';
import { z } from 'zod';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import type { MailChannel } from '../../../shared/mail.ts';
import type { Credential } from '../../../shared/access.ts';
import { AccountError } from './identity.errors.ts';
import { NEW_PASSWORD } from './user.service.ts';
import { sessionsTopic } from '../events/event.service.ts';
import type { PasswordHasher } from './password.ts';
import type { SignInGuard } from './sign-in-guard.ts';
import type { TokenService } from './token.service.ts';

const newPassword = NEW_PASSWORD;
const RESET_TOKEN = /^jdr_[A-Za-z0-9_-]{43}$/;
/** How long a reset link works. */
export const RESET_TTL_MINUTES = 60;

export interface AccountDeps extends ServiceDeps {
  passwords: PasswordHasher;
  tokens: TokenService;
  guard: SignInGuard;
  mail: MailChannel;
  clientAddress: string;
  credential: Credential;
  /** Where a reset link points: this followed by the token (PASSWORD_RESET_LINK_BASE_URL); unset: the gateway's /r/ page (outside production) or the token alone. */
  resetLinkBase?: string | undefined;
  /** The origin (scheme://host) the request came to, when it may be trusted for links (outside production). */
  origin?: string | undefined;
}

/** The error, naming the input field at fault (made a path from the argument by mutationField). */
const accountError = (code: AccountError['code'], message: string, path: string[]) => Object.assign(new AccountError(code, message), { path });

function ownSession(deps: AccountDeps) {
  if (deps.credential.type !== 'user' || deps.access.userId === null)
    throw new AccountError('NOT_SIGNED_IN', 'Sign in with your own account (not an API key) first');
  return deps.credential;
}

/** Changes the caller's password; every other session ends. Returns a new token for this client. */
export async function changePassword(deps: AccountDeps, input: { currentPassword: string; newPassword: string }) {
  const session = ownSession(deps);
  const data = parseInput(z.object({ currentPassword: z.string().min(1).max(1024), newPassword }), input);
  const guardKey = `user:${session.userId}`;
  const wait = await deps.guard.begin(guardKey, deps.clientAddress);
  if (wait > 0) throw new AccountError('TOO_MANY_ATTEMPTS', `Too many wrong passwords; try again in ${wait} s`);
  const rows = await deps.db.$queryRaw<{ hash: string | null }[]>`SELECT auth_own_password_hash() AS hash`;
  if (!(await deps.passwords.verify(rows[0]?.hash ?? null, data.currentPassword))) {
    await deps.guard.failed(guardKey, deps.clientAddress);
    throw accountError('WRONG_PASSWORD', 'The current password is not right', ['currentPassword']);
  }
  await deps.guard.succeeded(guardKey, deps.clientAddress);
  const hash = await deps.passwords.hash(data.newPassword);
  const epoch = await deps.db.$queryRaw<{ epoch: number }[]>`
    SELECT auth_change_own_password(${hash}, ${deps.requestId}, ${deps.clientAddress}) AS epoch`;
  const token = await deps.tokens.issue({ userId: session.userId, tenantId: session.tenantId, sessionEpoch: epoch[0]!.epoch });
  deps.publishAfterCommit?.(sessionsTopic(session.userId), { reason: 'password.changed' });
  return { token };
}

/** Ends this session (the token stops working at once), or every session of the account. */
export async function signOut(deps: AccountDeps, input: { everywhere?: boolean | null }) {
  const session = ownSession(deps);
  if (input.everywhere) {
    await deps.db.$queryRaw`SELECT auth_end_own_sessions(${deps.requestId}, ${deps.clientAddress})`;
  } else {
    await deps.db
      .$executeRaw`SELECT auth_revoke_own_session(${session.session.id}::uuid, ${session.session.expiresAt}, ${deps.requestId}, ${deps.clientAddress})`;
  }
  deps.publishAfterCommit?.(sessionsTopic(session.userId), { reason: 'signed_out' });
  return { everywhere: Boolean(input.everywhere) };
}

/**
 * Sends a reset link to the e-mail if it has an account. The answer is the same either way (no one learns
 * which e-mails have accounts), and so is the work (a token is made and hashed either way); repeated
 * requests for one e-mail or from one address are limited like sign-ins.
 */
export async function requestPasswordReset(deps: AccountDeps, input: { email: string }) {
  const { email } = parseInput(z.object({ email: z.string().trim().toLowerCase().email().max(254) }), input);
  const wait = await deps.guard.begin(`reset:${email}`, deps.clientAddress);
  if (wait > 0) throw new AccountError('TOO_MANY_ATTEMPTS', `Too many requests; try again in ${wait} s`);
  await deps.guard.failed(`reset:${email}`, deps.clientAddress);
  const token = `jdr_${randomBytes(32).toString('base64url')}`;
  const rows = await deps.db.$queryRaw<{ display_name: string }[]>`
    SELECT display_name FROM auth_request_password_reset(${email}, ${hashLinkToken(token)}, ${`${RESET_TTL_MINUTES} minutes`}::interval,
                                                         ${deps.requestId}, ${deps.clientAddress})`;
  const account = rows[0];
  if (account) {
    // The configured page, else the gateway's own /r/ page on the request's origin (known outside production only), else the token.
    const base = deps.resetLinkBase ?? (deps.origin ? `${deps.origin}/r/` : '');
    const link = `${base}${token}`;
    await deps.mail.send({
      to: email,
      subject: '重置密码 Reset your Jiedai password',
      text:
        `${account.display_name}，您好：\n\n请在 ${RESET_TTL_MINUTES} 分钟内使用以下链接（或令牌）重置密码，仅可使用一次：\n${link}\n\n` +
        `Hello ${account.display_name},\n\nUse this link (or token) within ${RESET_TTL_MINUTES} minutes to set a new password; it works once:\n${link}\n\n` +
        '如非本人操作，请忽略本邮件。If you did not ask for this, ignore this message: your password stays as it is.',
    });
  }
  return { accepted: true };
}

/** Sets a new password with a reset token (single-use, expiring); every session of the account ends. */
export async function resetPassword(deps: AccountDeps, input: { token: string; newPassword: string }) {
  const data = parseInput(z.object({ token: z.string().max(200), newPassword }), input);
  if (!RESET_TOKEN.test(data.token)) throw accountError('INVALID_TOKEN', 'This reset link is used, expired or unknown', ['token']);
  const hash = await deps.passwords.hash(data.newPassword);
  const rows = await deps.db.$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM auth_reset_password(${hashLinkToken(data.token)}, ${hash}, ${deps.requestId}, ${deps.clientAddress})`;
  if (!rows[0]) throw accountError('INVALID_TOKEN', 'This reset link is used, expired or unknown', ['token']);
  deps.publishAfterCommit?.(sessionsTopic(rows[0].user_id), { reason: 'password.reset' });
  return { reset: true };
}

export interface SecurityEvent {
  id: string;
  action: string;
  at: Date;
  clientAddress: string | null;
}

/** The caller's own security log, newest first (RLS: their rows only). */
export async function securityEvents(deps: ServiceDeps, limit: number): Promise<SecurityEvent[]> {
  if (!deps.access.userId) return [];
  return deps.db.userSecurityEvent.findMany({
    where: { userId: deps.access.userId },
    orderBy: { at: 'desc' },
    take: limit,
    select: { id: true, action: true, at: true, clientAddress: true },
  });
}
