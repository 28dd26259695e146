// Complaint escalation by the scheduler (hospital.complaintEscalation, every five minutes): the deadlines
// passed at the job's time are escalated once each — a task for the department's coordinator (else the
// coordinators), an ESCALATED event naming the task — in batches (more than one here), every hospital
// visited, and with two job runners (two gateway processes) running the job at once, still once. Live: a
// gateway running the job delivers the escalation to complaintChanged subscribers over graphql-ws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatformAdmin,
  createTenant,
  ownerQuery,
  rawId,
  startTestApp,
  testJobRunners,
  waitFor,
  wsFeed,
  type TestApp,
  type TestJobRunners,
  type TestTenant,
} from '@jiedai/testing';
import { allJobs } from '../../../shared/jobs.ts';
import { COMPLAINT_ESCALATION_JOB, complaintEscalationJob } from '../complaint-escalation.jobs.ts';

// The runners here run this job only, without cron items: the schedule's own runs (every hospital of the shared
// test database) would touch other test files' complaints and keep the queue busy.
const ONLY_ESCALATION = { definitions: { jobs: new Map([[COMPLAINT_ESCALATION_JOB, complaintEscalationJob]]), cron: [] } };

const SCHEMA = 'complaint_escalation_test_worker';
let t: TestApp;
let hospital: TestTenant;
let other: TestTenant;
let headOfDepartment: { token: string; membershipId: string };
let departmentId: string;
let jobs: TestJobRunners;

const CREATE = `mutation($input: CreateComplaintInput!) { createComplaint(input: $input) {
  __typename ... on ComplaintPayload { complaint { id } } ... on Error { code message } } }`;

async function complaint(token: string, input: Record<string, unknown>): Promise<string> {
  const res = await t.gql(CREATE, { input: { category: 'WAITING_TIME', summary: '候诊时间过长', ...input } }, { token });
  if (res.data.createComplaint.__typename !== 'ComplaintPayload') throw new Error(JSON.stringify(res.data));
  return rawId(res.data.createComplaint.complaint.id);
}

const escalationsOf = (tenantId: string) =>
  ownerQuery<{ complaint_id: string; deadline: string; task_id: string | null; assignee: string | null; role: string | null; title: string }>(
    `SELECT e.complaint_id, e.deadline::text, e.task_id, t.assignee_membership_id AS assignee, t.assignee_role::text AS role, t.title
       FROM complaint_escalations e LEFT JOIN tasks t ON t.id = e.task_id WHERE e.tenant_id = $1`,
    [tenantId],
  );
const escalatedEvents = (tenantId: string) =>
  ownerQuery<{ subject_id: string; deadline: string; task_id: string }>(
    `SELECT subject_id, payload->>'deadline' AS deadline, payload->>'taskId' AS task_id FROM event_log
      WHERE tenant_id = $1 AND topic = 'complaint' AND type = 'ESCALATED'`,
    [tenantId],
  );
const queue = async () =>
  (await ownerQuery<{ n: number; failed: number }>(`SELECT count(*)::int AS n, count(last_error)::int AS failed FROM ${SCHEMA}._private_jobs`))[0]!;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
  const dep = await t.gql(
    `mutation { createDepartment(input: { name: "急诊科" }) { ... on DepartmentPayload { department { id } } } }`,
    {},
    { token: hospital.adminToken },
  );
  departmentId = dep.data.createDepartment.department.id;
  headOfDepartment = await hospital.member(['COORDINATOR']);
  // The department's coordinator (its head in this model): set up behind the API.
  await ownerQuery('UPDATE memberships SET department_id = $1 WHERE id = $2', [rawId(departmentId), rawId(headOfDepartment.membershipId)]);
  jobs = await testJobRunners(SCHEMA);
});
afterAll(async () => {
  await jobs?.close();
  await t?.close();
});

describe('hospital.complaintEscalation', () => {
  it('is a registered job with a cron item every five minutes', () => {
    const { jobs: registered, cron } = allJobs();
    expect(registered.has(COMPLAINT_ESCALATION_JOB)).toBe(true);
    expect(cron.find((c) => c.identifier === COMPLAINT_ESCALATION_JOB)).toMatchObject({ job: COMPLAINT_ESCALATION_JOB, match: '*/5 * * * *' });
  });

  it('two runners, batches of two: every passed deadline of every hospital is escalated once, with a task for the department head', async () => {
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    // Hospital: five overdue on both deadlines (two of the department), one CRITICAL overdue on its
    // acknowledgement only (30 min; 24 h to respond), one acknowledged long ago but now answered in time.
    const both = [
      await complaint(hospital.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH', departmentId }),
      await complaint(hospital.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH', departmentId }),
      await complaint(hospital.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH' }),
      await complaint(hospital.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH' }),
      await complaint(hospital.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH' }),
    ];
    const ackOnly = await complaint(hospital.adminToken, { receivedAt: hourAgo, severity: 'CRITICAL', departmentId });
    const onTime = await complaint(hospital.adminToken, { severity: 'LOW' });
    // The other hospital: three overdue on both.
    const theirs = [
      await complaint(other.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH' }),
      await complaint(other.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH' }),
      await complaint(other.adminToken, { receivedAt: threeDaysAgo, severity: 'HIGH' }),
    ];

    const [a, b] = [await jobs.start(ONLY_ESCALATION), await jobs.start(ONLY_ESCALATION)];
    const at = new Date().toISOString();
    // Four runs queued at once on two runners (two per runner's concurrency): they overlap.
    await Promise.all([a, b, a, b].map((r) => r.addJob(COMPLAINT_ESCALATION_JOB, { at, batchSize: 2, tenants: [hospital.id, other.id] })));
    await waitFor(async () => (await queue()).n === 0, 60_000, 'the escalation runs');

    const mine = await escalationsOf(hospital.id);
    const expected = [...both.flatMap((id) => [`${id} ACKNOWLEDGEMENT`, `${id} RESPONSE`]), `${ackOnly} ACKNOWLEDGEMENT`].sort();
    expect(mine.map((e) => `${e.complaint_id} ${e.deadline}`).sort()).toEqual(expected);
    expect(mine.map((e) => e.complaint_id)).not.toContain(onTime);
    // Each escalation has its own task: the department's coordinator's, else the coordinators'.
    expect(new Set(mine.map((e) => e.task_id)).size).toBe(mine.length);
    for (const e of mine) {
      const ofDepartment = [both[0], both[1], ackOnly].includes(e.complaint_id);
      expect(e).toMatchObject(ofDepartment ? { assignee: rawId(headOfDepartment.membershipId), role: null } : { assignee: null, role: 'COORDINATOR' });
      expect(e.title).toMatch(
        e.deadline === 'ACKNOWLEDGEMENT'
          ? /^投诉逾期未受理（(危急|严重|中等|轻微) \S+ [0-9a-f]{8}）$/
          : /^投诉逾期未答复（(危急|严重|中等|轻微) \S+ [0-9a-f]{8}）$/,
      );
    }
    // One ESCALATED event per escalation, naming its task.
    const events = await escalatedEvents(hospital.id);
    expect(events.map((e) => `${e.subject_id} ${e.deadline} ${e.task_id}`).sort()).toEqual(
      mine.map((e) => `${e.complaint_id} ${e.deadline} ${e.task_id}`).sort(),
    );
    // The other hospital's complaints in the other hospital, once each.
    const otherRows = await escalationsOf(other.id);
    expect(otherRows.map((e) => `${e.complaint_id} ${e.deadline}`).sort()).toEqual(theirs.flatMap((id) => [`${id} ACKNOWLEDGEMENT`, `${id} RESPONSE`]).sort());
    expect(otherRows.every((e) => e.task_id)).toBe(true);
    expect((await escalatedEvents(other.id)).length).toBe(otherRows.length);

    // Run again: nothing new anywhere.
    await a.addJob(COMPLAINT_ESCALATION_JOB, { at, batchSize: 2, tenants: [hospital.id, other.id] });
    await waitFor(async () => (await queue()).n === 0, 30_000, 'the second run');
    expect((await escalationsOf(hospital.id)).length).toBe(mine.length);
    expect((await escalatedEvents(hospital.id)).length).toBe(events.length);
    expect((await escalationsOf(other.id)).length).toBe(otherRows.length);
  }, 120_000);

  it('time is the job’s: a complaint taken now is escalated only by a run timed after its deadline', async () => {
    const id = await complaint(hospital.adminToken, { severity: 'CRITICAL', summary: '抢救室门口无人引导' });
    const runner = await jobs.start(ONLY_ESCALATION);
    await runner.addJob(COMPLAINT_ESCALATION_JOB, { at: new Date(Date.now() + 29 * 60_000).toISOString(), tenants: [hospital.id] });
    await waitFor(async () => (await queue()).n === 0, 30_000, 'the run at +29 min');
    expect((await escalationsOf(hospital.id)).filter((e) => e.complaint_id === id)).toEqual([]);
    await runner.addJob(COMPLAINT_ESCALATION_JOB, { at: new Date(Date.now() + 31 * 60_000).toISOString(), tenants: [hospital.id] });
    await waitFor(async () => (await escalationsOf(hospital.id)).some((e) => e.complaint_id === id), 30_000, 'the run at +31 min');
    expect((await escalationsOf(hospital.id)).filter((e) => e.complaint_id === id).map((e) => e.deadline)).toEqual(['ACKNOWLEDGEMENT']);
    expect((await queue()).failed).toBe(0);
  }, 90_000);
});

describe('live', () => {
  it('a gateway running the job delivers ESCALATED, with its task, to complaintChanged subscribers', async () => {
    const gateway = await startTestApp({ JOBS_ENABLED: 'true', JOBS_SCHEMA: 'complaint_escalation_live_worker' });
    try {
      expect(gateway.app.jobs?.kind).toBe('graphile-worker');
      await gateway.listen();
      const [row] = await ownerQuery<{ seq: string }>('SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1', [hospital.id]);
      const client = gateway.wsClient({ Authorization: `Bearer ${headOfDepartment.token}` });
      const feed = wsFeed<{ kind: string; complaint: { id: string } | null; change: { deadline?: string; taskId?: string } }>(client, {
        query: `subscription($after: String) { complaintChanged(after: $after) { kind complaint { id } change } }`,
        variables: { after: row?.seq ?? '0' },
        field: 'complaintChanged',
      });
      try {
        const id = await complaint(hospital.adminToken, { severity: 'HIGH', departmentId, receivedAt: new Date(Date.now() - 3 * 86_400_000).toISOString() });
        await gateway.app.jobs!.addJob(COMPLAINT_ESCALATION_JOB, { tenants: [hospital.id] });
        const escalated = () => feed.events.filter((e) => e.kind === 'ESCALATED' && e.complaint?.id && rawId(e.complaint.id) === id);
        await waitFor(() => escalated().length === 2 || feed.ended !== null, 30_000, 'the two escalations on the live board');
        expect(feed.errors).toEqual([]);
        const rows = await escalationsOf(hospital.id);
        expect(
          escalated()
            .map((e) => `${e.change.deadline} ${e.change.taskId}`)
            .sort(),
        ).toEqual(
          rows
            .filter((r) => r.complaint_id === id)
            .map((r) => `${r.deadline} ${r.task_id}`)
            .sort(),
        );
      } finally {
        feed.stop();
        await client.dispose();
      }
    } finally {
      await gateway.close();
    }
  }, 90_000);
});
