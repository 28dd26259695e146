// `pnpm admin:create-platform-admin` run as a real process against the migrated test database: the
// account it makes signs in through the gateway and creates a tenant; a taken e-mail or a short password
// is refused with nothing changed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ownerQuery, signIn, startTestApp, unique, type TestApp } from '@jiedai/testing';

const root = fileURLToPath(new URL('../../../../../../../', import.meta.url));

function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/schema/src/cli/create-platform-admin.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: inject('databaseUrl'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('pnpm admin:create-platform-admin', () => {
  it('creates a platform admin who signs in and creates a tenant', async () => {
    const email = `${unique('first-admin')}@ops.example`;
    const run = await runCli(['--email', email, '--name', '运维管理员'], {}, 'a-long-enough-secret\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ msg: 'platform admin created', email });
    const token = await signIn(t, email, 'a-long-enough-secret');
    const slug = unique('cli-hotel');
    const created = await t.gql(
      `mutation($slug: String!) { createTenant(input: { kind: HOTEL, name: "命令行酒店", slug: $slug, admin: { email: "gm@cli.example", displayName: "总经理" } }) {
         __typename ... on Error { code message } } }`,
      { slug },
      { token },
    );
    expect(created.data.createTenant.__typename).toBe('TenantPayload');
  }, 180_000);

  it('refuses a taken e-mail and a short password, changing nothing', async () => {
    const email = `${unique('taken')}@ops.example`;
    expect((await runCli(['--email', email, '--name', 'A'], { PLATFORM_ADMIN_PASSWORD: 'first-password-ok' })).code).toBe(0);
    const [before] = await ownerQuery(`SELECT u.display_name, c.password_hash FROM users u JOIN user_credentials c ON c.user_id = u.id WHERE u.email = $1`, [
      email,
    ]);
    const again = await runCli(['--email', email, '--name', 'B'], { PLATFORM_ADMIN_PASSWORD: 'second-password-ok' });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has an account: nothing was changed/);
    expect(
      await ownerQuery(`SELECT u.display_name, c.password_hash FROM users u JOIN user_credentials c ON c.user_id = u.id WHERE u.email = $1`, [email]),
    ).toEqual([before]);
    const short = await runCli(['--email', `${unique('short')}@ops.example`, '--name', 'C'], { PLATFORM_ADMIN_PASSWORD: 'short' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/password: at least 10 characters/);
    expect((await runCli([], { PLATFORM_ADMIN_PASSWORD: 'long-enough-pw' })).stderr).toMatch(/Usage:/);
  }, 180_000);
});
