// `pnpm db:migrate`: applies prisma/migrations to MIGRATION_DATABASE_URL (or DATABASE_DIRECT_URL, or
// DATABASE_URL) as the owner; never through a transaction pooler (the runner holds a session advisory lock).
// With APP_DB_PASSWORD set, also gives the app role that password (for deployments with password auth).
import { migrate, withPgSession } from '../index.ts';
import { APP_ROLE } from '../database.ts';

const url = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_DIRECT_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error('Set MIGRATION_DATABASE_URL, DATABASE_DIRECT_URL or DATABASE_URL (the embedded database migrates itself on start).');
  process.exit(2);
}
await withPgSession(url, async (session) => {
  const result = await migrate(session);
  console.log(JSON.stringify({ msg: 'migrations applied', ...result }));
  const password = process.env.APP_DB_PASSWORD;
  if (password) {
    const { rows } = await session.query<{ q: string }>('SELECT format($1, $2::text, $3::text) AS q', [
      'ALTER ROLE %I WITH LOGIN PASSWORD %L',
      APP_ROLE,
      password,
    ]);
    await session.exec(rows[0]!.q);
    console.log(JSON.stringify({ msg: 'app role password set', role: APP_ROLE }));
  }
});
