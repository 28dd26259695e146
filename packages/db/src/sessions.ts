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

/** Opens one `pg` connection, hands a session to `fn`, and closes it. */
export async function withPgSession<T>(url: string, fn: (s: SqlSession) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(pgSession(client));
  } finally {
    await client.end();
  }
}
