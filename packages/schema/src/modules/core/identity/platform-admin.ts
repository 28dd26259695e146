// Platform admins (who create tenants) exist outside every tenant; the app role cannot make one. They
// are created as the database owner: by the demo seed, and in production by `pnpm admin:create-platform-admin`.
import { z } from 'zod';
import type { SqlSession } from '@jiedai/db';

export const platformAdminInput = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(10, 'at least 10 characters').max(1024),
});

/** Creates the account as a platform admin; false when the e-mail already has an account (left untouched). */
export async function insertPlatformAdmin(owner: SqlSession, account: { email: string; displayName: string; passwordHash: string }): Promise<boolean> {
  const { rows } = await owner.query<{ created: boolean }>(
    `WITH u AS (INSERT INTO users (email, display_name, is_platform_admin)
                VALUES ($1, $2, true)
                ON CONFLICT (email) DO NOTHING RETURNING id),
          c AS (INSERT INTO user_credentials (user_id, password_hash) SELECT id, $3 FROM u)
     SELECT true AS created FROM u`,
    [account.email, account.displayName, account.passwordHash],
  );
  return rows.length > 0;
}
