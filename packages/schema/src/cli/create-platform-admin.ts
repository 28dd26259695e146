// `pnpm admin:create-platform-admin --email <e-mail> --name <display name>`: the first platform admin of a
// production database, as its owner (MIGRATION_DATABASE_URL or DATABASE_URL, after `pnpm db:migrate`).
// The password comes from PLATFORM_ADMIN_PASSWORD, or is read from standard input (one line; not echoed
// on a terminal). An e-mail that already has an account is refused, and nothing is changed.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { withPgSession } from '@jiedai/db';
import { createPasswordHasher } from '../modules/core/identity/password.ts';
import { insertPlatformAdmin, platformAdminInput } from '../modules/core/identity/platform-admin.ts';

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } } });
const url = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) fail('Set MIGRATION_DATABASE_URL or DATABASE_URL to the database (as its owner).');
if (!values.email || !values.name)
  fail('Usage: pnpm admin:create-platform-admin --email <e-mail> --name <display name>  (password: PLATFORM_ADMIN_PASSWORD or stdin)');

async function readPassword(): Promise<string> {
  if (process.env.PLATFORM_ADMIN_PASSWORD) return process.env.PLATFORM_ADMIN_PASSWORD;
  const terminal = process.stdin.isTTY === true;
  if (terminal) process.stderr.write('Password (at least 10 characters): ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  const line = await new Promise<string>((resolve) => rl.once('line', resolve).once('close', () => resolve('')));
  rl.close();
  if (terminal) process.stderr.write('\n');
  return line;
}

const parsed = platformAdminInput.safeParse({ email: values.email, displayName: values.name, password: await readPassword() });
if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
const account = parsed.data!;
const passwordHash = await createPasswordHasher().hash(account.password);
const created = await withPgSession(url!, (owner) => insertPlatformAdmin(owner, { email: account.email, displayName: account.displayName, passwordHash }));
if (!created) {
  console.error(`${account.email} already has an account: nothing was changed.`);
  process.exit(1);
}
console.log(JSON.stringify({ msg: 'platform admin created', email: account.email }));
