// Development defaults: readable log lines (pino-pretty) when stdout is a terminal outside production, JSON
// otherwise; the server binds 127.0.0.1 unless production (or HOST says otherwise).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'jiedai-logs-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const JWT_SECRET = 'a-secret-of-at-least-thirty-two-characters';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('where the server listens', () => {
  it('127.0.0.1 in development and test, 0.0.0.0 in production, HOST wins', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).host).toBe('127.0.0.1');
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET }).host).toBe('0.0.0.0');
    expect(loadConfig({ DATA_DIR: dataDir, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });
});

describe('log lines', () => {
  it('pretty only outside production at a terminal (or LOG_PRETTY=true); never in production by default', () => {
    const tty = process.stdout.isTTY === true;
    expect(loadConfig({ DATA_DIR: dataDir }).logPretty).toBe(tty);
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET }).logPretty).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir, LOG_PRETTY: 'true' }).logPretty).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET, LOG_PRETTY: 'false' }).logPretty).toBe(false);
  });

  it('pretty lines are readable text, JSON lines are JSON; both redact credentials', () => {
    const pretty = capture();
    createLogger({ logLevel: 'info', logPretty: true }, pretty.stream).info(
      { requestId: 'r-12345678', headers: { authorization: 'Bearer secret' } },
      'graphql operation',
    );
    const line = pretty.lines.join('');
    expect(line).toMatch(/INFO.*graphql operation/);
    expect(line).toContain('r-12345678');
    expect(line).not.toContain('Bearer secret');
    expect(() => JSON.parse(line)).toThrow();

    const json = capture();
    createLogger({ logLevel: 'info', logPretty: false }, json.stream).info({ nested: { authorization: 'Bearer secret' } }, 'graphql operation');
    const record = JSON.parse(json.lines.join(''));
    expect(record).toMatchObject({ msg: 'graphql operation', service: 'jiedai-gateway', nested: { authorization: '[redacted]' } });
  });
});
