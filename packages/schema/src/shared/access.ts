// Who is acting, resolved inside the operation's transaction (so a revoked membership or API key
// stops working at once). Roles nest: a tenant admin may do what a coordinator may, and so on.
import type { Db, Role, TenantKind } from '@jiedai/db';

export type Credential =
  | { type: 'anonymous' }
  | { type: 'user'; userId: string; tenantId: string | null }
  | { type: 'apiKey'; tenantId: string; secretHash: string }
  /**
   * An anonymous survey respondent: the operation names a survey token, whose text carries the tenant
   * (see modules/shared/feedback/survey-token.ts). The tenant is only a selector for the scope: the
   * token counts only once its hash is found inside that tenant's RLS scope (by the resolver).
   */
  | { type: 'surveyRespondent'; tenantId: string; tokenHash: string };

export interface Access {
  userId: string | null;
  apiKeyId: string | null;
  tenantId: string | null;
  tenantKind: TenantKind | null;
  roles: Role[];
  isPlatformAdmin: boolean;
  /** The API key's last use is older than a few minutes: record it after the operation (touchApiKey). */
  apiKeyUseUnrecorded?: boolean;
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
 * Runs in the operation's transaction after the scope (tenant, user) is set. Verifies what the
 * credential claims against the database: the user's membership in the chosen tenant, or the API
 * key's hash (not revoked).
 */
export async function resolveAccess(db: Db, credential: Credential, tenantKind: TenantKind | null): Promise<Access> {
  if (credential.type === 'anonymous') return anonymousAccess;
  // A respondent acts in the token's tenant with no role at all: only the respondent fields, which
  // find the invitation by the token's hash under RLS, do anything for it.
  if (credential.type === 'surveyRespondent') return { ...anonymousAccess, tenantId: credential.tenantId };
  if (credential.type === 'apiKey') {
    const rows = await db.$queryRaw<{ id: string; role: Role; stale: boolean }[]>`
      SELECT id, role::text AS role, (last_used_at IS NULL OR last_used_at < now() - interval '5 minutes') AS stale
      FROM api_keys WHERE secret_hash = ${credential.secretHash} AND revoked_at IS NULL`;
    const key = rows[0];
    if (!key) throw new AccessDenied('UNAUTHENTICATED', 'Invalid or revoked API key');
    return {
      ...anonymousAccess,
      apiKeyId: key.id,
      tenantId: credential.tenantId,
      tenantKind,
      roles: [key.role],
      apiKeyUseUnrecorded: key.stale,
    };
  }
  const rows = await db.$queryRaw<{ is_platform_admin: boolean; roles: Role[] | null }[]>`
    SELECT u.is_platform_admin, m.roles::text[] AS roles
    FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = app_tenant_id()
    WHERE u.id = app_user_id()`;
  const user = rows[0];
  if (!user) throw new AccessDenied('UNAUTHENTICATED', 'Unknown user');
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
