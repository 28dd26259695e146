// Audit (issue 18) item 6: the app role's privileges are what the API uses, no more. A member's
// transaction cannot read anyone's password hash (they left `users` for `user_credentials`, which the
// app role cannot touch: sign-in reads one hash through a SECURITY DEFINER function), and the app
// role can change neither a tenant's kind nor its slug. Catalog first, then as jiedai_app itself.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_ROLE } from '../database.ts';

const url = inject('databaseUrl');
let su: pg.Client;

beforeAll(async () => {
  su = new pg.Client({ connectionString: url });
  await su.connect();
});
afterAll(async () => {
  await su?.end();
});

const can = async (sql: string, params: unknown[] = []) => (await su.query<{ ok: boolean }>(sql, params)).rows[0]!.ok;

describe(`${APP_ROLE}'s grants`, () => {
  it('no column anywhere holds a password hash the app role may read; user_credentials is closed to it', async () => {
    const { rows } = await su.query<{ table_name: string; column_name: string; privilege_type: string }>(
      `SELECT table_name, column_name, privilege_type FROM information_schema.column_privileges
        WHERE grantee = $1 AND table_schema = 'public' AND column_name ILIKE '%password%'`,
      [APP_ROLE],
    );
    expect(rows).toEqual([]);
    // The column is gone from users altogether (so no grant on the table could reach it).
    expect(
      await can(
        `SELECT NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'password_hash') AS ok`,
      ),
    ).toBe(true);
    for (const privilege of ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REFERENCES', 'TRUNCATE']) {
      expect(await can(`SELECT has_table_privilege($1, 'public.user_credentials', $2) AS ok`, [APP_ROLE, privilege]), privilege).toBe(false);
    }
    expect(await can(`SELECT has_any_column_privilege($1, 'public.user_credentials', 'SELECT') AS ok`, [APP_ROLE])).toBe(false);
    // Sign-in's function still reads it (as its owner).
    expect(await can(`SELECT has_function_privilege($1, 'public.auth_find_user_by_email(text)', 'EXECUTE') AS ok`, [APP_ROLE])).toBe(true);
  });

  it('users: readable columns are those the API shows; no column can be changed', async () => {
    for (const column of ['id', 'email', 'display_name', 'is_platform_admin', 'created_at', 'updated_at']) {
      expect(await can(`SELECT has_column_privilege($1, 'public.users', $2, 'SELECT') AS ok`, [APP_ROLE, column]), column).toBe(true);
    }
    for (const privilege of ['INSERT', 'UPDATE']) {
      expect(await can(`SELECT has_any_column_privilege($1, 'public.users', $2) AS ok`, [APP_ROLE, privilege]), privilege).toBe(false);
    }
    expect(await can(`SELECT has_table_privilege($1, 'public.users', 'DELETE') AS ok`, [APP_ROLE])).toBe(false);
  });

  it('tenants: kind and slug cannot be updated; the settings can; creating names only the data columns', async () => {
    for (const column of ['kind', 'slug', 'id', 'created_at']) {
      expect(await can(`SELECT has_column_privilege($1, 'public.tenants', $2, 'UPDATE') AS ok`, [APP_ROLE, column]), column).toBe(false);
    }
    for (const column of ['name', 'locale', 'time_zone', 'currency', 'require_separate_approver']) {
      expect(await can(`SELECT has_column_privilege($1, 'public.tenants', $2, 'UPDATE') AS ok`, [APP_ROLE, column]), column).toBe(true);
    }
    expect(await can(`SELECT has_table_privilege($1, 'public.tenants', 'DELETE') AS ok`, [APP_ROLE])).toBe(false);
    expect(await can(`SELECT has_column_privilege($1, 'public.tenants', 'id', 'INSERT') AS ok`, [APP_ROLE])).toBe(false);
    expect(await can(`SELECT has_column_privilege($1, 'public.tenants', 'kind', 'INSERT') AS ok`, [APP_ROLE])).toBe(true);
  });

  it('as jiedai_app in a tenant: reading a hash or changing the kind is refused by PostgreSQL', async () => {
    const tenant = (
      await su.query<{ id: string }>(
        `INSERT INTO tenants (kind, name, slug) VALUES ('HOTEL', 'Grants', 'grants-' || substr(md5(random()::text), 1, 8)) RETURNING id`,
      )
    ).rows[0]!.id;
    const user = (
      await su.query<{ id: string }>(`INSERT INTO users (email, display_name) VALUES ('grants-' || md5(random()::text) || '@t.test', 'G') RETURNING id`)
    ).rows[0]!.id;
    await su.query(`INSERT INTO user_credentials (user_id, password_hash) VALUES ($1, '$argon2id$fake')`, [user]);
    await su.query(`INSERT INTO memberships (tenant_id, user_id, roles) VALUES ($1, $2, '{TENANT_ADMIN}')`, [tenant, user]);
    const attempt = async (sql: string) => {
      await su.query('BEGIN');
      try {
        await su.query(`SET LOCAL ROLE ${APP_ROLE}`);
        await su.query(`SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)`, [tenant, user]);
        await su.query(sql);
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code;
      } finally {
        await su.query('ROLLBACK');
      }
    };
    expect(await attempt(`SELECT password_hash FROM user_credentials`)).toBe('42501');
    expect(await attempt(`SELECT * FROM users`)).toBe('ok');
    expect(await attempt(`UPDATE tenants SET kind = 'HOSPITAL' WHERE id = app_tenant_id()`)).toBe('42501');
    expect(await attempt(`UPDATE tenants SET slug = 'stolen' WHERE id = app_tenant_id()`)).toBe('42501');
    expect(await attempt(`UPDATE tenants SET name = 'Renamed' WHERE id = app_tenant_id()`)).toBe('ok');
    expect(await attempt(`UPDATE users SET display_name = 'X' WHERE id = app_user_id()`)).toBe('42501');
  });
});
