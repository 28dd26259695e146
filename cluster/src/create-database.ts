// One-shot for the topology: creates DATABASE_NAME on OWNER_URL's server unless it exists (what the
// postgres image does with POSTGRES_DB in compose).
import pg from 'pg';

const owner = process.env.OWNER_URL;
const name = process.env.DATABASE_NAME ?? 'jiedai';
if (!owner) {
  console.error('Set OWNER_URL (a superuser URL of the server).');
  process.exit(2);
}
const client = new pg.Client({ connectionString: owner });
await client.connect();
try {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
} finally {
  await client.end();
}
