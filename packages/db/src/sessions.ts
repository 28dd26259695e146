// Adapters from a driver to the tiny SqlSession the migration runner and the seed need.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { SqlSession } from './migrate.ts';

export function pgSession(client: pg.ClientBase): SqlSession {
  return {
    query: async (sql, params) => client.query(sql, params as unknown[]),
    exec: async (script) => {
      await client.query(script);
    },
  } as SqlSession;
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    query: async (sql, params) => db.query(sql, params as unknown[]),
    exec: async (script) => {
      await db.exec(script);
    },
  } as SqlSession;
}

/** Opens one `pg` connection, hands it to `fn`, and closes it (for owner-side work: bootstrap, tests, benchmarks). */
export async function withPgClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Opens one `pg` connection, hands a session to `fn`, and closes it. */
export function withPgSession<T>(url: string, fn: (s: SqlSession) => Promise<T>): Promise<T> {
  return withPgClient(url, (client) => fn(pgSession(client)));
}
