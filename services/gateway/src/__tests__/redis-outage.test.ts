// A Redis outage (audit, issue 18): with REDIS_URL set and Redis gone, sign-in and survey answers keep
// working (the rate limiters count in process meanwhile), fast, with their real results; /readyz says
// "degraded" (still 200: the gateway serves); once Redis is back, /readyz is "ready" again, the limiters
// count in Redis again and events go through Redis again. The Redis here is a private redis-server on
// a port of its own, started and killed by this file (never the shared one).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Client } from 'graphql-ws';
import { createPlatformAdmin, createTenant, PASSWORD, startTestApp, unique, waitFor, wsFeed, type TestApp, type TestTenant, freePort } from '@jiedai/testing';
import { answersFor, feedbackApi, type Question } from '../../../../packages/schema/src/modules/shared/feedback/__tests__/feedback.helpers.ts';

let redisPort: number;
let redisDir: string;
let redis: ChildProcess | null = null;
let t: TestApp;
let tenant: TestTenant;
let coordinator: { token: string };
let survey: { id: string; questions: Question[] };
let surveyTokens: string[];
const prefix = unique('jiedai-outage');
const clients: Client[] = [];

/** Starts the private redis-server and resolves once it accepts connections. */
function startRedis(): Promise<void> {
  const child = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  redis = child;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${out}`));
    });
  });
}

async function killRedis(): Promise<void> {
  const child = redis;
  redis = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function readyz(): Promise<{ status: number; body: any }> {
  const res = await t.fetch('/readyz');
  return { status: res.status, body: await res.json() };
}

const SIGN_IN = `mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) {
  __typename ... on SignInSuccess { token } ... on SignInError { code } } }`;

/** A sign-in and how long it took. */
async function signIn(email: string, password: string) {
  const started = Date.now();
  const res = await t.gql(SIGN_IN, { email, password });
  return { res, ms: Date.now() - started };
}

beforeAll(async () => {
  redisPort = await freePort();
  redisDir = mkdtempSync(path.join(tmpdir(), 'jiedai-redis-'));
  await startRedis();
  t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, REDIS_PREFIX: prefix });
  await t.listen();
  const platform = await createPlatformAdmin(t);
  tenant = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
  coordinator = await tenant.member(['COORDINATOR']);
  const api = feedbackApi(t);
  survey = await api.publishedSurvey(coordinator.token);
  surveyTokens = (await api.invite(coordinator.token, survey.id, 2)).tokens;
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
  await killRedis();
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
});

describe('Redis goes away and comes back', () => {
  it('sign-in, survey answers and readiness through the outage; limits and events back on Redis afterwards', { timeout: 120_000 }, async () => {
    const api = feedbackApi(t);
    await waitFor(async () => (await readyz()).body.redis === 'ok', 20_000, 'readyz with Redis up');
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready', database: 'postgres', redis: 'ok' } });

    await killRedis();

    // Ready, degraded: the gateway still serves, and says what it lacks.
    await waitFor(async () => (await readyz()).body.status === 'degraded', 20_000, 'readyz degraded');
    const degraded = await readyz();
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', database: 'postgres', redis: 'unavailable', reason: expect.stringMatching(/Redis/) });

    // Sign-in: the real answers, not a masked error, and not after waiting for Redis (a generous bound).
    const good = await signIn(tenant.adminEmail, PASSWORD);
    expect(good.res.errors).toBeUndefined();
    expect(good.res.data.signIn.__typename).toBe('SignInSuccess');
    expect(good.ms).toBeLessThan(5_000);
    const wrongEmail = `${unique('nobody')}@outage.test`;
    const bad = await signIn(wrongEmail, 'wrong-password');
    expect(bad.res.errors).toBeUndefined();
    expect(bad.res.data.signIn).toEqual({ __typename: 'SignInError', code: 'INVALID_CREDENTIALS' });
    expect(bad.ms).toBeLessThan(5_000);
    // Still limited meanwhile (in this process): the 5th failure locks the e-mail.
    for (let i = 0; i < 4; i++) await signIn(wrongEmail, 'wrong-password');
    expect((await signIn(wrongEmail, 'wrong-password')).res.data.signIn).toEqual({ __typename: 'SignInError', code: 'TOO_MANY_ATTEMPTS' });

    // A survey answer goes through.
    const started = Date.now();
    const submitted = await api.submit(surveyTokens[0]!, answersFor(survey.questions, { rating: 5, nps: 10, purpose: 0 }));
    expect(submitted).toMatchObject({ __typename: 'SubmitSurveyResponsePayload', submittedAt: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(5_000);

    // Redis returns (same port): ready again.
    await startRedis();
    await waitFor(async () => (await readyz()).body.status === 'ready', 30_000, 'readyz ready again');
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready', database: 'postgres', redis: 'ok' } });

    // The limiters count in Redis again.
    const watcher = new Redis(`redis://127.0.0.1:${redisPort}`);
    try {
      const later = `${unique('later')}@outage.test`;
      expect((await signIn(later, 'wrong-password')).res.data.signIn.code).toBe('INVALID_CREDENTIALS');
      expect(await watcher.keys(`${prefix}:signin_email*${later}`)).toHaveLength(1);
      expect(await api.submit(surveyTokens[1]!, answersFor(survey.questions, { rating: 4, nps: 9, purpose: 1 }))).toMatchObject({
        __typename: 'SubmitSurveyResponsePayload',
      });
      expect(await watcher.keys(`${prefix}:survey_token*`)).toHaveLength(1);

      // Events go through Redis again: a change is published on the gateway's channel, and reaches a
      // graphql-ws subscriber.
      const subscriber = new Redis(`redis://127.0.0.1:${redisPort}`);
      const published: string[] = [];
      try {
        subscriber.on('pmessage', (_pattern, _channel, message) => published.push(message));
        await subscriber.psubscribe(`${prefix}:*`);
        const client = t.wsClient({ Authorization: `Bearer ${tenant.adminToken}` });
        clients.push(client);
        const feed = wsFeed<{ targetId: string }>(client, { query: 'subscription { auditLogAppended { targetId } }', field: 'auditLogAppended' });
        let seen: string | null = null;
        for (let attempt = 0; attempt < 100 && !seen; attempt++) {
          expect(feed.ended, JSON.stringify(feed.errors)).toBeNull();
          const res = await t.gql(
            `mutation($n: String!) { createDepartment(input: { name: $n }) { ... on DepartmentPayload { department { id } } } }`,
            { n: unique('dept') },
            { token: tenant.adminToken },
          );
          const id = res.data.createDepartment.department.id as string;
          await waitFor(() => feed.events.some((e) => e.targetId === id), 300).then(
            () => (seen = id),
            () => undefined,
          );
        }
        expect(seen).not.toBeNull();
        await waitFor(() => published.length > 0, 10_000, 'a publish on the gateway channel');
        feed.stop();
      } finally {
        subscriber.disconnect();
      }
    } finally {
      watcher.disconnect();
    }
  });
});
