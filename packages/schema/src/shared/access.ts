// Who is acting, resolved inside the operation's transaction (so a revoked membership or API key
// stops working at once). Roles nest: a tenant admin may do what a coordinator may, and so on.
import { sqlLiteral, type Db, type Role, type TenantKind } from '@jiedai/db';

export type Credential =
  | { type: 'anonymous' }
  /** A person's token: `session` is its epoch and id, checked in the database with every operation. */
  | { type: 'user'; userId: string; tenantId: string | null; session: { id: string; epoch: number; expiresAt: Date } }
  | { type: 'apiKey'; tenantId: string; secretHash: string }
  /**
   * An anonymous survey respondent: the operation names a survey token, whose text carries the tenant
   * (see modules/shared/feedback/survey-token.ts). The tenant is only a selector for the scope: the
   * token counts only once its hash is found inside that tenant's RLS scope (by the resolver).
   */
  | { type: 'surveyRespondent'; tenantId: string; tokenHash: string }
  /** Anyone holding another kind of public link (shared/public-links.ts), e.g. a service point's complaint code: the same rules. */
  | { type: 'publicLink'; tenantId: string; tokenHash: string };

export interface Access {
  userId: string | null;
  apiKeyId: string | null;
  tenantId: string | null;
  tenantKind: TenantKind | null;
  roles: Role[];
  isPlatformAdmin: boolean;
  /** The API key's last use is older than a few minutes: record it after the operation (touchApiKey). */
  apiKeyUseUnrecorded?: boolean;
  /** The person's own language (`users.preferred_language`), from the access check; none for keys. */
  preferredLanguage?: string | null;
  /** The tenant's default language (`tenants.locale`), from the access check. */
  tenantLanguage?: string | null;
}

export const anonymousAccess: Access = {
  userId: null,
  apiKeyId: null,
  tenantId: null,
  tenantKind: null,
  roles: [],
  isPlatformAdmin: false,
};

const implied: Record<Role, Role[]> = {
  TENANT_ADMIN: ['TENANT_ADMIN', 'COORDINATOR', 'STAFF', 'VIEWER'],
  COORDINATOR: ['COORDINATOR', 'STAFF', 'VIEWER'],
  APPROVER: ['APPROVER', 'VIEWER'],
  STAFF: ['STAFF', 'VIEWER'],
  VIEWER: ['VIEWER'],
  // Personal health data (discharged patients): granted explicitly, implied by no other role.
  PATIENT_DATA: ['PATIENT_DATA'],
};

export function hasRole(access: Access, role: Role): boolean {
  return access.roles.some((r) => implied[r].includes(role));
}

export class AccessDenied extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The query that verifies what the credential claims, run in the operation's transaction right after
 * the scope (tenant, user) is set: the user's membership in the chosen tenant, or the API key's hash
 * (not revoked). A constant text with literals only, so the gateway can send it in the same round
 * trip as BEGIN (see transaction-prelude.ts in packages/db). None when there is nothing to verify.
 */
export function accessQuery(credential: Credential): string | undefined {
  // Functions (0007_access_functions.sql): their plans are kept per connection; this text is not prepared.
  if (credential.type === 'apiKey') return `SELECT * FROM app_api_key_access(${sqlLiteral(credential.secretHash)})`;
  if (credential.type === 'user') return `SELECT * FROM app_member_access(${credential.session.epoch | 0}, ${sqlLiteral(credential.session.id)})`;
  return undefined;
}

/** What `accessQuery`'s rows say the caller may do; AccessDenied when they say nothing. */
export function accessFrom(credential: Credential, tenantKind: TenantKind | null, rows: Record<string, unknown>[]): Access {
  if (credential.type === 'anonymous') return anonymousAccess;
  // A respondent acts in the token's tenant with no role at all: only the respondent fields, which
  // find the invitation by the token's hash under RLS, do anything for it.
  if (credential.type === 'surveyRespondent' || credential.type === 'publicLink') return { ...anonymousAccess, tenantId: credential.tenantId };
  if (credential.type === 'apiKey') {
    const key = rows[0] as { id: string; role: Role; stale: boolean; tenant_locale?: string | null } | undefined;
    if (!key) throw new AccessDenied('UNAUTHENTICATED', 'Invalid or revoked API key');
    return {
      ...anonymousAccess,
      apiKeyId: key.id,
      tenantId: credential.tenantId,
      tenantKind,
      roles: [key.role],
      apiKeyUseUnrecorded: key.stale,
      tenantLanguage: key.tenant_locale ?? null,
    };
  }
  const user = rows[0] as
    | { is_platform_admin: boolean; roles: Role[] | null; session_valid: boolean; preferred_language?: string | null; tenant_locale?: string | null }
    | undefined;
  if (!user) throw new AccessDenied('UNAUTHENTICATED', 'Unknown user');
  if (!user.session_valid) throw new AccessDenied('UNAUTHENTICATED', 'This session has ended (signed out, or the password was changed): sign in again');
  if (credential.tenantId && !user.roles) {
    throw new AccessDenied('FORBIDDEN', 'Not a member of the chosen tenant');
  }
  return {
    userId: credential.userId,
    apiKeyId: null,
    tenantId: credential.tenantId,
    tenantKind: credential.tenantId ? tenantKind : null,
    roles: user.roles ?? [],
    isPlatformAdmin: user.is_platform_admin,
    preferredLanguage: user.preferred_language ?? null,
    tenantLanguage: user.tenant_locale ?? null,
  };
}

/**
 * Records an API key's use, at most every few minutes, in its own short transaction after the
 * operation (so read-only operations stay read-only and two requests never contend for the row).
 */
export async function touchApiKey(db: Db, apiKeyId: string): Promise<void> {
  await db.$executeRaw`UPDATE api_keys SET last_used_at = now()
    WHERE id = ${apiKeyId}::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '5 minutes')`;
}
