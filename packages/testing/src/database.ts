// Test databases on the real PostgreSQL of this machine (TEST_DATABASE_URL, default the local
// server as `postgres`). Each test run gets its own database, migrated once, dropped at the end.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { migrate, withPgClient, withPgSession } from '@jiedai/db';

export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const admin = <T>(fn: (c: pg.Client) => Promise<T>) => withPgClient(adminUrl, fn);

/** Creates an empty database and returns its URL (as the admin user, who is the owner). */
export async function createScratchDatabase(prefix = 'jiedai_test'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A scratch database with all migrations applied. */
export async function createMigratedDatabase(prefix?: string) {
  const db = await createScratchDatabase(prefix);
  await withPgSession(db.url, (s) => migrate(s));
  return db;
}

/** Runs SQL as the database owner (bypassing RLS) on the run's database: for checks behind the API. */
export async function ownerQuery<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const { inject } = await import('vitest');
  return withPgClient(inject('databaseUrl'), async (client) => (await client.query(sql, params)).rows as T[]);
}
