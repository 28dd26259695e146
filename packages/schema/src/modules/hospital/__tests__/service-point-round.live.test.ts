// The hospital's live routine board over a real graphql-ws client: rounds made, a peak hour short of windows,
// and rounds announced as missed by the scheduled job (once each) reach the subscriber in order; resuming
// from a cursor replays what came after it; another hospital's subscriber sees nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatformAdmin,
  createTenant,
  ownerQuery,
  startTestApp,
  testJobRunners,
  waitFor,
  wsFeed,
  type Feed,
  type TestApp,
  type TestJobRunners,
  type TestTenant,
} from '@jiedai/testing';
import { MISSED_ROUNDS_JOB } from '../service-point-round.jobs.ts';

interface RoutineEvent {
  cursor: string;
  type: string;
  subjectId: string | null;
  data: Record<string, unknown>;
}

const SUBSCRIBE = `subscription($after: String) { hospitalRoutineChanged(after: $after) { cursor type subjectId data } }`;

let t: TestApp;
let jobs: TestJobRunners;
let hospital: TestTenant;
let other: TestTenant;
const clients: ReturnType<TestApp['wsClient']>[] = [];

function feed(token: string, after?: string): Feed<RoutineEvent> {
  const client = t.wsClient({ Authorization: `Bearer ${token}` });
  clients.push(client);
  return wsFeed<RoutineEvent>(client, { query: SUBSCRIBE, variables: { after: after ?? null }, field: 'hospitalRoutineChanged' });
}

beforeAll(async () => {
  t = await startTestApp();
  await t.listen();
  jobs = await testJobRunners('routine_live_worker');
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await jobs?.close();
  await t?.close();
});

describe('hospitalRoutineChanged', () => {
  it('delivers rounds made, windows short and missed rounds in order, once; resumes from a cursor', async () => {
    const live = feed(hospital.adminToken);
    const theirs = feed(other.adminToken);
    // A subscriber is listening once an event made now reaches it: make the first one until it does.
    const made = await t.gql(
      `mutation { createServicePointRounds(input: { date: "2020-01-06" }) { ... on CreateServicePointRoundsPayload { created } } }`,
      {},
      {
        token: hospital.adminToken,
      },
    );
    const rounds = made.data.createServicePointRounds.created as number;
    expect(rounds).toBeGreaterThan(0);
    await waitFor(() => live.events.length >= 1, 10_000, 'ROUNDS_CREATED');
    expect(live.events[0]).toMatchObject({ type: 'ROUNDS_CREATED', data: { date: '2020-01-06', rounds } });

    const points = await t.gql(`{ servicePoints(kind: CASHIER_WINDOW) { id isPeakOnly } }`, {}, { token: hospital.adminToken });
    const cashier = points.data.servicePoints.find((p: { isPeakOnly: boolean }) => !p.isPeakOnly).id;
    await t.gql(
      `mutation($p: ID!) { setServicePointPeakPlan(input: { servicePointId: $p, patientsPerWindowHour: 30, expectedLoad: [0,0,0,0,0,0,0,0,90,90,90,30,30,30,30,30,30,0,0,0,0,0,0,0] }) { __typename } }`,
      { p: cashier },
      {
        token: hospital.adminToken,
      },
    );
    await t.gql(
      `mutation($p: ID!) { recordServicePointHour(input: { servicePointId: $p, date: "2020-01-06", hour: 9, windowsOpen: 1 }) { __typename } }`,
      { p: cashier },
      {
        token: hospital.adminToken,
      },
    );
    await waitFor(() => live.events.length >= 2, 10_000, 'WINDOWS_SHORT');
    expect(live.events[1]).toMatchObject({ type: 'WINDOWS_SHORT', subjectId: cashier, data: { hour: 9, windowsOpen: 1, windowsNeeded: 3 } });

    // The scheduled job, publishing to this gateway's bus (as the gateway's own runner does): every round of that
    // past day is missed, and announced once even when the job runs twice.
    const runner = await jobs.start({ events: t.app.services.events });
    await runner.addJob(MISSED_ROUNDS_JOB, {});
    await waitFor(() => live.events.length >= 2 + rounds, 20_000, 'ROUND_MISSED for every round');
    await runner.addJob(MISSED_ROUNDS_JOB, {});
    await waitFor(async () => (await ownerQuery(`SELECT 1 FROM routine_live_worker._private_jobs`)).length === 0, 20_000, 'the second run');
    const missed = live.events.slice(2);
    expect(missed.every((e) => e.type === 'ROUND_MISSED')).toBe(true);
    expect(new Set(missed.map((e) => e.subjectId)).size).toBe(rounds);
    // In order: cursors increase.
    const cursors = live.events.map((e) => BigInt(e.cursor));
    expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!)).toBe(true);

    // A subscriber resuming after the first event gets everything after it (from the event log).
    const resumed = feed(hospital.adminToken, live.events[0]!.cursor);
    await waitFor(() => resumed.events.length >= live.events.length - 1, 10_000, 'the replay');
    expect(resumed.events.map((e) => e.cursor)).toEqual(live.events.slice(1).map((e) => e.cursor));
    // The second job run announced nothing more; the other hospital saw nothing.
    const summary = await t.gql(`{ servicePointRoundSummary(date: "2020-01-06") { missed } }`, {}, { token: hospital.adminToken });
    expect(summary.data.servicePointRoundSummary.missed).toBe(rounds);
    expect(live.events.length).toBe(2 + rounds);
    expect(theirs.events).toEqual([]);
    expect(live.errors).toEqual([]);
  });
});
