// `.env.example` lists exactly the variables the gateway reads (config.ts), each with a default that
// loadConfig accepts; `.env` is git-ignored; and `pnpm start` loads a `.env` when one exists (the
// start script's node flag, tried here on the real main.ts with a file that sets an invalid PORT).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLES, loadConfig } from '@jiedai/gateway';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');

/** `KEY=value` lines, commented out (`# KEY=value`) or not. */
const entries = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()] as const);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('.env.example', () => {
  it('names every variable config.ts reads, once, and no other', () => {
    const names = entries.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...ENV_VARIABLES].sort());
  });

  it('its values, uncommented, are a valid configuration (empty ones left out)', () => {
    const env = Object.fromEntries(entries.filter(([, value]) => value !== ''));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'jiedai-env-'));
    dirs.push(dataDir);
    const config = loadConfig({ ...env, DATA_DIR: dataDir });
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', redisPrefix: 'jiedai', maxBodyBytes: 1_000_000 });
  });

  it('.env is ignored by git', () => {
    expect(execFileSync('git', ['check-ignore', '.env'], { cwd: ROOT, encoding: 'utf8' }).trim()).toBe('.env');
  });

  it('pnpm start loads .env when there is one (and the environment still wins)', async () => {
    const script = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
    // Node's flags (the young generation's size, issue 19) go before tsx's own.
    expect(script).toBe('tsx --max-semi-space-size=64 --env-file-if-exists=.env services/gateway/src/main.ts');
    const dir = mkdtempSync(path.join(tmpdir(), 'jiedai-env-'));
    dirs.push(dir);
    const envFile = path.join(dir, '.env');
    writeFileSync(envFile, 'PORT=not-a-port\nLOG_LEVEL=silent\n');
    // The start script's command, with this file for `.env`: main.ts reads PORT from it and refuses it.
    const args = script.replace('=.env', `=${envFile}`).split(' ');
    const env = { ...process.env };
    delete env.PORT;
    delete env.LOG_LEVEL;
    const run = (extra: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(path.join(ROOT, 'node_modules/.bin', args[0]!), args.slice(1), {
          cwd: ROOT,
          env: { ...env, ...extra },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    // A variable set in the environment wins over the file: there an invalid LOG_LEVEL is what is refused.
    const [fromFile, fromEnv] = await Promise.all([run({}), run({ PORT: '0', LOG_LEVEL: 'loud' })]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/Invalid configuration:\s+PORT:/);
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/LOG_LEVEL:/);
    expect(fromEnv.stderr).not.toMatch(/PORT:/);
  }, 60_000);
});
