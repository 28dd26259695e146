// The service points' daily routine: templates per kind, a day's rounds with their checks as tasks, MISSED at
// once when the due time passes, the schedule (two job runners as two gateway processes: each round once),
// and the tenant's time zone deciding the day. Pure parts with properties.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createPlatformAdmin,
  createTenant,
  ownerQuery,
  startTestApp,
  testJobRunners,
  waitFor,
  type TestApp,
  type TestJobRunners,
  type TestTenant,
} from '@jiedai/testing';
import { addDays, localDate, localMinute, zonedInstant } from '../service-point-round.time.ts';
import { roundStatus } from '../service-point-round.service.ts';
import { DAILY_ROUNDS_JOB } from '../service-point-round.jobs.ts';

const DAY = fc
  .date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const MINUTE = fc.integer({ min: 0, max: 1439 });

describe('local time of a tenant (properties)', () => {
  it('a wall-clock time of a zone without daylight saving comes back as the same day and minute', () => {
    fc.assert(
      fc.property(DAY, MINUTE, fc.constantFrom('Asia/Shanghai', 'UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Honolulu'), (date, minute, zone) => {
        const at = zonedInstant(date, minute, zone);
        expect(localDate(at, zone)).toBe(date);
        expect(localMinute(at, zone)).toBe(minute);
      }),
    );
  });

  it('with daylight saving: the same day, the same minute unless the clock skipped it (then an hour later)', () => {
    fc.assert(
      fc.property(DAY, MINUTE, fc.constantFrom('America/New_York', 'Europe/Berlin', 'Australia/Sydney'), (date, minute, zone) => {
        const at = zonedInstant(date, minute, zone);
        expect(localDate(at, zone)).toBe(date);
        expect([minute, minute + 60]).toContain(localMinute(at, zone));
      }),
    );
  });

  it('Asia/Shanghai is UTC+8: 07:30 local is 23:30 UTC the day before', () => {
    expect(zonedInstant('2031-03-01', 7 * 60 + 30, 'Asia/Shanghai').toISOString()).toBe('2031-02-28T23:30:00.000Z');
    expect(localDate(new Date('2031-02-28T16:00:00Z'), 'Asia/Shanghai')).toBe('2031-03-01');
    expect(addDays('2031-02-28', 1)).toBe('2031-03-01');
  });

  it('a round is COMPLETED when every check is done or skipped, else MISSED once due, OPEN once open, else UPCOMING', () => {
    const status = fc.constantFrom('TODO', 'IN_PROGRESS', 'DONE', 'BLOCKED', 'SKIPPED') as fc.Arbitrary<
      'TODO' | 'IN_PROGRESS' | 'DONE' | 'BLOCKED' | 'SKIPPED'
    >;
    fc.assert(
      fc.property(fc.array(status, { minLength: 1, maxLength: 6 }), fc.integer({ min: -300, max: 300 }), (statuses, minutesFromOpening) => {
        const round = { opensAt: new Date('2031-03-01T00:00:00Z'), dueAt: new Date('2031-03-01T01:00:00Z') };
        const now = new Date(round.opensAt.getTime() + minutesFromOpening * 60_000);
        const finished = statuses.every((s) => s === 'DONE' || s === 'SKIPPED');
        const expected = finished ? 'COMPLETED' : minutesFromOpening >= 60 ? 'MISSED' : minutesFromOpening >= 0 ? 'OPEN' : 'UPCOMING';
        expect(roundStatus(round, statuses, now)).toBe(expected);
      }),
    );
  });
});

let t: TestApp;
let hospital: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
});
afterAll(() => t?.close());

const ROUND_FIELDS = `id name phase status opensAt dueAt completedAt servicePoint { name kind isPeakOnly } checks { position task { id title status dueAt assigneeRole } }`;

/** What a day should hold: for each service point, the active templates of its kind (peak-only points: PEAK only). */
async function expectedRounds(tenantId: string) {
  const rows = await ownerQuery<{ n: number; checks: number }>(
    `SELECT count(*)::int AS n, coalesce(sum(cardinality(rt.checks)), 0)::int AS checks
       FROM service_points p JOIN service_point_round_templates rt
         ON rt.tenant_id = p.tenant_id AND rt.service_point_kind = p.kind AND rt.active AND (NOT p.is_peak_only OR rt.phase = 'PEAK')
      WHERE p.tenant_id = $1`,
    [tenantId],
  );
  return rows[0]!;
}

async function roundsOf(tenantId: string, date: string) {
  const rows = await ownerQuery<{ rounds: number; distinct_rounds: number; checks: number }>(
    `SELECT count(*)::int AS rounds, count(DISTINCT (service_point_id, template_id))::int AS distinct_rounds,
            (SELECT count(*)::int FROM service_point_round_checks c JOIN service_point_rounds r2 ON r2.id = c.round_id
              WHERE r2.tenant_id = $1 AND r2.round_date = $2::date) AS checks
       FROM service_point_rounds WHERE tenant_id = $1 AND round_date = $2::date`,
    [tenantId, date],
  );
  return rows[0]!;
}

describe('round templates', () => {
  it("a new hospital starts with opening, peak and closing rounds for its service points' kinds", async () => {
    const res = await t.gql(
      `{ servicePointRoundTemplates { servicePointKind phase name startsAt durationMinutes checks active } }`,
      {},
      { token: hospital.adminToken },
    );
    const templates = res.data.servicePointRoundTemplates as { servicePointKind: string; phase: string; startsAt: string; checks: string[] }[];
    expect(new Set(templates.map((x) => x.phase))).toEqual(new Set(['OPENING', 'PEAK', 'CLOSING']));
    expect(new Set(templates.map((x) => x.servicePointKind))).toEqual(
      new Set(['GUIDE_DESK', 'TRIAGE', 'REPORT_PICKUP', 'GREEN_CHANNEL', 'CASHIER_WINDOW', 'WAITING_AREA']),
    );
    // Stored in zh-Hans, read in the request's language (English here, Chinese when asked).
    expect(templates.find((x) => x.servicePointKind === 'CASHIER_WINDOW' && x.phase === 'PEAK')).toMatchObject({
      name: 'Cashier windows: peak hours',
      checks: expect.arrayContaining(['More windows opened when the queue is long']),
    });
    const zh = await t.gql(
      `{ servicePointRoundTemplates { servicePointKind phase name checks } }`,
      {},
      {
        token: hospital.adminToken,
        headers: { 'accept-language': 'zh-CN' },
      },
    );
    expect(
      zh.data.servicePointRoundTemplates.find(
        (x: { servicePointKind: string; phase: string }) => x.servicePointKind === 'CASHIER_WINDOW' && x.phase === 'PEAK',
      ),
    ).toMatchObject({
      name: '收费窗口高峰时段',
      checks: expect.arrayContaining(['排队人数多时增开收费窗口']),
    });
  });

  it('are added and changed by admins; bad input is a typed error and changes nothing; staff may not', async () => {
    const create = `mutation($i: CreateServicePointRoundTemplateInput!) { createServicePointRoundTemplate(input: $i) {
      __typename ... on ServicePointRoundTemplatePayload { template { id name startsAt durationMinutes checks active } }
      ... on ValidationError { fieldErrors { path } } ... on HospitalRoutineError { code } } }`;
    const input = {
      servicePointKind: 'PHARMACY',
      phase: 'OPENING',
      name: '药房开窗前检查',
      startsAt: '07:45',
      durationMinutes: 30,
      checks: ['发药窗口到岗', '常用药品备足'],
    };
    const created = await t.gql(create, { i: input }, { token: hospital.adminToken });
    expect(created.data.createServicePointRoundTemplate.template).toMatchObject({
      name: '药房开窗前检查',
      startsAt: '07:45',
      checks: ['发药窗口到岗', '常用药品备足'],
      active: true,
    });
    const dup = await t.gql(create, { i: input }, { token: hospital.adminToken });
    expect(dup.data.createServicePointRoundTemplate).toEqual({ __typename: 'HospitalRoutineError', code: 'NAME_TAKEN' });
    const bad = await t.gql(create, { i: { ...input, name: '另一个', startsAt: '25:00', checks: [] } }, { token: hospital.adminToken });
    expect(bad.data.createServicePointRoundTemplate.__typename).toBe('ValidationError');
    expect(bad.data.createServicePointRoundTemplate.fieldErrors.map((f: { path: string[] }) => f.path.at(-1)).sort()).toEqual(['checks', 'startsAt']);
    const staff = await hospital.member(['STAFF']);
    const refused = await t.gql(create, { i: { ...input, name: '员工建的' } }, { token: staff.token });
    expect(refused.data.createServicePointRoundTemplate.__typename).toBe('ForbiddenError');
    const count = await ownerQuery(`SELECT count(*)::int AS n FROM service_point_round_templates WHERE tenant_id = $1 AND service_point_kind = 'PHARMACY'`, [
      hospital.id,
    ]);
    expect(count[0].n).toBe(1);
    const id = created.data.createServicePointRoundTemplate.template.id;
    const off = await t.gql(
      `mutation($id: ID!) { updateServicePointRoundTemplate(input: { id: $id, active: false, startsAt: "08:00" }) { ... on ServicePointRoundTemplatePayload { template { active startsAt } } } }`,
      { id },
      { token: hospital.adminToken },
    );
    expect(off.data.updateServicePointRoundTemplate.template).toEqual({ active: false, startsAt: '08:00' });
  });
});

describe("a day's rounds", () => {
  it("are made for every service point from its kind's templates, with checks as tasks, once", async () => {
    const date = '2031-03-01';
    const made = `mutation($d: String) { createServicePointRounds(input: { date: $d }) { ... on CreateServicePointRoundsPayload { date created } } }`;
    const first = await t.gql(made, { d: date }, { token: hospital.adminToken });
    const expected = await expectedRounds(hospital.id);
    expect(first.data.createServicePointRounds).toEqual({ date, created: expected.n });
    const again = await t.gql(made, { d: date }, { token: hospital.adminToken });
    expect(again.data.createServicePointRounds).toEqual({ date, created: 0 });
    expect(await roundsOf(hospital.id, date)).toEqual({ rounds: expected.n, distinct_rounds: expected.n, checks: expected.checks });

    const res = await t.gql(
      `query($d: String) { servicePointRounds(date: $d, first: 100) { totalCount nodes { ${ROUND_FIELDS} } } }`,
      { d: date },
      { token: hospital.adminToken },
    );
    const rounds = res.data.servicePointRounds.nodes as {
      name: string;
      phase: string;
      opensAt: string;
      servicePoint: { kind: string; isPeakOnly: boolean };
      checks: { task: { dueAt: string } }[];
      dueAt: string;
    }[];
    expect(res.data.servicePointRounds.totalCount).toBe(expected.n);
    // 07:30 in Asia/Shanghai (the default zone).
    const guideOpening = rounds.find((r) => r.name === 'Guide desk: before opening')!;
    expect(guideOpening.opensAt).toBe('2031-02-28T23:30:00.000Z');
    expect(guideOpening.checks.every((c) => c.task.dueAt === guideOpening.dueAt)).toBe(true);
    // The peak-only cashier window has the peak round only.
    expect(rounds.filter((r) => r.servicePoint.isPeakOnly).map((r) => r.phase)).toEqual(['PEAK']);
    // Another hospital sees none of them.
    const theirs = await t.gql(`query($d: String) { servicePointRounds(date: $d) { totalCount } }`, { d: date }, { token: other.adminToken });
    expect(theirs.data.servicePointRounds.totalCount).toBe(0);
  });

  it('a past round with a check open is MISSED at once; doing its checks completes it (late, still counted)', async () => {
    const date = '2020-06-01';
    await t.gql(`mutation { createServicePointRounds(input: { date: "${date}" }) { __typename } }`, {}, { token: hospital.adminToken });
    const summary = await t.gql(`{ servicePointRoundSummary(date: "${date}") { total missed completed open upcoming } }`, {}, { token: hospital.adminToken });
    const expected = await expectedRounds(hospital.id);
    expect(summary.data.servicePointRoundSummary).toEqual({ total: expected.n, missed: expected.n, completed: 0, open: 0, upcoming: 0 });
    const missed = await t.gql(
      `{ servicePointRounds(date: "${date}", status: MISSED, first: 1) { totalCount nodes { ${ROUND_FIELDS} } } }`,
      {},
      { token: hospital.adminToken },
    );
    expect(missed.data.servicePointRounds.totalCount).toBe(expected.n);
    const round = missed.data.servicePointRounds.nodes[0];
    for (const check of round.checks) {
      const done = await t.gql(
        `mutation($id: ID!) { changeTaskStatus(input: { id: $id, status: DONE }) { __typename } }`,
        { id: check.task.id },
        { token: hospital.adminToken },
      );
      expect(done.data.changeTaskStatus.__typename).toBe('TaskPayload');
    }
    const after = await t.gql(`{ servicePointRoundSummary(date: "${date}") { missed completed } }`, {}, { token: hospital.adminToken });
    expect(after.data.servicePointRoundSummary).toEqual({ missed: expected.n - 1, completed: 1 });
    const completed = await t.gql(
      `{ servicePointRounds(date: "${date}", status: COMPLETED) { nodes { id status completedAt } } }`,
      {},
      { token: hospital.adminToken },
    );
    expect(completed.data.servicePointRounds.nodes).toEqual([{ id: round.id, status: 'COMPLETED', completedAt: expect.any(String) }]);
  });

  it('a bad date is refused as input', async () => {
    const res = await t.gql(`mutation { createServicePointRounds(input: { date: "2031-02-30" }) { __typename } }`, {}, { token: hospital.adminToken });
    expect(res.data.createServicePointRounds.__typename).toBe('ValidationError');
  });
});

describe('the schedule', () => {
  const SCHEMA = 'rounds_test_worker';
  const runners: Awaited<ReturnType<TestJobRunners['start']>>[] = [];
  let jobs: TestJobRunners;
  beforeAll(async () => {
    jobs = await testJobRunners(SCHEMA);
  });
  afterAll(() => jobs?.close());
  const start = async () => {
    const r = await jobs.start();
    runners.push(r);
    return r;
  };

  it("two gateway processes backfilling the same hours: each hospital's rounds of the day are made once", async () => {
    const first = await start();
    await first.stop();
    const hour = 3_600_000;
    const since = new Date(Math.floor(Date.now() / hour) * hour - 3 * hour);
    await ownerQuery(`UPDATE ${SCHEMA}._private_known_crontabs SET known_since = $1, last_execution = $1 WHERE identifier = $2`, [since, DAILY_ROUNDS_JOB]);
    await Promise.all([start(), start()]);
    const queue = async () =>
      (await ownerQuery<{ n: number; failed: number }>(`SELECT count(*)::int AS n, count(last_error)::int AS failed FROM ${SCHEMA}._private_jobs`))[0]!;
    // Backfilled up to this hour (graphile-worker advances last_execution as it queues each run), and all run.
    const thisHour = new Date(since.getTime() + 3 * hour);
    const scheduledUpTo = async () =>
      (await ownerQuery<{ at: Date }>(`SELECT last_execution AS at FROM ${SCHEMA}._private_known_crontabs WHERE identifier = $1`, [DAILY_ROUNDS_JOB]))[0]!.at;
    await waitFor(async () => (await scheduledUpTo()).getTime() >= thisHour.getTime() && (await queue()).n === 0, 60_000, 'the backfilled runs');
    const days = new Set([1, 2, 3].map((n) => localDate(new Date(since.getTime() + n * hour), 'Asia/Shanghai')));
    const expected = await expectedRounds(other.id);
    for (const day of days) expect(await roundsOf(other.id, day)).toEqual({ rounds: expected.n, distinct_rounds: expected.n, checks: expected.checks });
  });

  it("makes the rounds of the tenant's own local day (time given to the job)", async () => {
    const zone = await t.gql(`mutation { updateTenant(input: { timeZone: "America/Los_Angeles" }) { __typename } }`, {}, { token: other.adminToken });
    expect(zone.data.updateTenant.__typename).toBe('TenantPayload');
    const runner = runners.at(-1)!;
    // 03:00 UTC on 1 March 2032: 11:00 on 1 March in Shanghai, 19:00 on 29 February in Los Angeles.
    await runner.addJob(DAILY_ROUNDS_JOB, { at: '2032-03-01T03:00:00Z' });
    const expected = await expectedRounds(other.id);
    await waitFor(async () => (await roundsOf(other.id, '2032-02-29')).rounds === expected.n, 30_000, 'the rounds of 29 February');
    expect((await roundsOf(other.id, '2032-03-01')).rounds).toBe(0);
    expect((await roundsOf(hospital.id, '2032-03-01')).rounds).toBe((await expectedRounds(hospital.id)).n);
  });
});
