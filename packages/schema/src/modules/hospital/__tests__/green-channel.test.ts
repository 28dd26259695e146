// The emergency green channel through the gateway: a case opened with the minimum and its deferred
// paperwork as shared tasks, treatment and closing (with their refusals), the patient's identity for
// PATIENT_DATA holders only (row-level security: null for everyone else), statistics, and the live board
// over graphql-ws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, waitFor, wsFeed, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hospital: TestTenant;
let nurse: { token: string };
let records: { token: string };

const CASE = `id status arrivalMode triageLevel arrivedAt treatmentStartedAt doorToTreatmentMinutes version
  paperwork { kind dueAt state task { id title status dueAt } } patient { name chiefComplaint }`;
const RESULT = `__typename ... on GreenChannelCasePayload { case { ${CASE} } } ... on Error { code message path }`;

async function run(name: string, input: Record<string, unknown>, token: string) {
  const Name = `${name[0]!.toUpperCase()}${name.slice(1)}`;
  const res = await t.gql(`mutation($input: ${Name}Input!) { ${name}(input: $input) { ${RESULT} } }`, { input }, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data[name];
}

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  nurse = await hospital.member(['STAFF']);
  records = await hospital.member(['STAFF', 'PATIENT_DATA']);
});
afterAll(() => t?.close());

describe('the green channel', () => {
  it('opens a case with the minimum; registration, consent and payment become shared tasks due after arrival', async () => {
    const arrivedAt = new Date(Date.now() - 5 * 60_000);
    const opened = await run('openGreenChannelCase', { arrivalMode: 'AMBULANCE', triageLevel: 1, arrivedAt: arrivedAt.toISOString() }, nurse.token);
    expect(opened).toMatchObject({
      __typename: 'GreenChannelCasePayload',
      case: { status: 'OPEN', triageLevel: 1, arrivalMode: 'AMBULANCE', treatmentStartedAt: null, patient: null },
    });
    const due = Object.fromEntries(
      opened.case.paperwork.map((p: { kind: string; dueAt: string }) => [p.kind, (Date.parse(p.dueAt) - arrivedAt.getTime()) / 60_000]),
    );
    expect(due).toEqual({ REGISTRATION: 120, CONSENT: 360, PAYMENT: 2880 });
    for (const p of opened.case.paperwork) {
      expect(p).toMatchObject({ state: 'OPEN', task: { status: 'TODO', dueAt: p.dueAt } });
      expect(p.task.title).toMatch(/^Deferred (registration|consent form|payment) \(green channel level I by ambulance \d\d:\d\dZ\)$/);
    }
    // The same tasks in Chinese: the text of the source.
    const zh = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Task { title description } } }`,
      { id: opened.case.paperwork[0].task.id },
      {
        token: nurse.token,
        headers: { 'accept-language': 'zh-CN' },
      },
    );
    expect(zh.data.node.title).toMatch(/^补(办挂号|签知情同意书|缴费用)（绿色通道 I级 救护车送达 \d\d:\d\dZ）$/);
    expect(zh.data.node.description).toBe('先抢救，后补办手续：绿色通道病例的补办手续。');
    // Shared tasks: on the tenant's task list like any other.
    const tasks = await t.gql(`{ tasks(filter: { status: [TODO] }) { nodes { id } } }`, {}, { token: nurse.token });
    const ids = tasks.data.tasks.nodes.map((n: { id: string }) => n.id);
    for (const p of opened.case.paperwork) expect(ids).toContain(p.task.id);
  });

  it('refuses bad input and callers without STAFF, creating nothing', async () => {
    const before = await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM green_channel_cases WHERE tenant_id = $1`, [hospital.id]);
    expect(await run('openGreenChannelCase', { arrivalMode: 'WALK_IN', triageLevel: 5 }, nurse.token)).toMatchObject({
      code: 'BAD_USER_INPUT',
      path: ['input', 'triageLevel'],
    });
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await run('openGreenChannelCase', { arrivalMode: 'WALK_IN', triageLevel: 2, arrivedAt: future }, nurse.token)).toMatchObject({
      path: ['input', 'arrivedAt'],
    });
    const viewer = await hospital.member(['VIEWER']);
    expect(await run('openGreenChannelCase', { arrivalMode: 'WALK_IN', triageLevel: 2 }, viewer.token)).toMatchObject({ __typename: 'ForbiddenError' });
    const after = await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM green_channel_cases WHERE tenant_id = $1`, [hospital.id]);
    expect(after).toEqual(before);
  });

  it('treatment first: the door-to-treatment time, then the case leaves the board', async () => {
    const arrivedAt = new Date(Date.now() - 20 * 60_000);
    const c = (await run('openGreenChannelCase', { arrivalMode: 'WALK_IN', triageLevel: 2, arrivedAt: arrivedAt.toISOString() }, nurse.token)).case;
    expect(await run('closeGreenChannelCase', { id: c.id }, nurse.token)).toMatchObject({ code: 'INVALID_TRANSITION' });
    const board = await t.gql(`{ greenChannelBoard { id triageLevel } }`, {}, { token: nurse.token });
    expect(board.data.greenChannelBoard.map((b: { id: string }) => b.id)).toContain(c.id);
    const treated = await run('startGreenChannelTreatment', { id: c.id, at: new Date(arrivedAt.getTime() + 4.5 * 60_000).toISOString() }, nurse.token);
    expect(treated.case.doorToTreatmentMinutes).toBe(4.5);
    expect(await run('startGreenChannelTreatment', { id: c.id }, nurse.token)).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await run('closeGreenChannelCase', { id: c.id, outcome: '收入ICU', expectedVersion: 1 }, nurse.token)).toMatchObject({ code: 'CONFLICT' });
    expect((await run('closeGreenChannelCase', { id: c.id, outcome: '收入ICU' }, nurse.token)).case.status).toBe('CLOSED');
    const after = await t.gql(`{ greenChannelBoard { id } }`, {}, { token: nurse.token });
    expect(after.data.greenChannelBoard.map((b: { id: string }) => b.id)).not.toContain(c.id);
  });

  it('keeps who the patient is for PATIENT_DATA holders: others cannot write it and read null (row-level security)', async () => {
    const c = (await run('openGreenChannelCase', { arrivalMode: 'POLICE', triageLevel: 1 }, nurse.token)).case;
    const input = { caseId: c.id, name: '无名氏', chiefComplaint: '车祸致多发伤' };
    expect(await run('recordGreenChannelPatient', input, nurse.token)).toMatchObject({ __typename: 'ForbiddenError' });
    const recorded = await run('recordGreenChannelPatient', input, records.token);
    expect(recorded.case.patient).toEqual({ name: '无名氏', chiefComplaint: '车祸致多发伤' });
    const READ = `query($id: ID!) { node(id: $id) { ... on GreenChannelCase { patient { name } } } }`;
    expect((await t.gql(READ, { id: c.id }, { token: nurse.token })).data.node).toEqual({ patient: null });
    expect((await t.gql(READ, { id: c.id }, { token: hospital.adminToken })).data.node).toEqual({ patient: null });
    expect((await t.gql(READ, { id: c.id }, { token: records.token })).data.node).toEqual({ patient: { name: '无名氏' } });
    // The row is there (as the owner sees it); the audit log names the case, never the patient.
    expect(await ownerQuery(`SELECT name FROM green_channel_patients WHERE tenant_id = $1`, [hospital.id])).toEqual([{ name: '无名氏' }]);
    const audit = await ownerQuery<{ data: unknown }>(`SELECT data FROM audit_log WHERE tenant_id = $1 AND action LIKE 'green_channel.%'`, [hospital.id]);
    expect(JSON.stringify(audit)).not.toContain('无名氏');
  });

  it('statistics: door-to-treatment and paperwork completed on time', async () => {
    const fresh = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOSPITAL');
    const admin = fresh.adminToken;
    const arrivedAt = new Date(Date.now() - 3 * 3600_000);
    const c = (await run('openGreenChannelCase', { arrivalMode: 'AMBULANCE', triageLevel: 1, arrivedAt: arrivedAt.toISOString() }, admin)).case;
    await run('startGreenChannelTreatment', { id: c.id, at: new Date(arrivedAt.getTime() + 6 * 60_000).toISOString() }, admin);
    // Consent done now (within its 6 hours); registration (2 hours) is overdue; payment still open.
    const consent = c.paperwork.find((p: { kind: string }) => p.kind === 'CONSENT');
    const done = await t.gql(
      `mutation($id: ID!) { changeTaskStatus(input: { id: $id, status: DONE }) { __typename } }`,
      { id: consent.task.id },
      { token: admin },
    );
    expect(done.data.changeTaskStatus.__typename).toBe('TaskPayload');
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(arrivedAt).slice(0, 7);
    const stats = await t.gql(
      `query($m: String!) { greenChannelStatistics(from: $m, to: $m) { cases treated averageDoorToTreatmentMinutes medianDoorToTreatmentMinutes
        paperwork { total onTime late open overdue } paperworkOnTimeRate } }`,
      { m: month },
      { token: admin },
    );
    expect(stats.data.greenChannelStatistics).toEqual({
      cases: 1,
      treated: 1,
      averageDoorToTreatmentMinutes: 6,
      medianDoorToTreatmentMinutes: 6,
      paperwork: { total: 3, onTime: 1, late: 0, open: 1, overdue: 1 },
      paperworkOnTimeRate: 0.5,
    });
  });

  it('the live board: a new case reaches graphql-ws subscribers, then its treatment', async () => {
    await t.listen();
    const client = t.wsClient({ Authorization: `Bearer ${nurse.token}` });
    const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [hospital.id]);
    const feed = wsFeed<{ kind: string; case: { id: string; status: string; triageLevel: number } | null }>(client, {
      query: `subscription($after: String) { greenChannelChanged(after: $after) { cursor kind case { id status triageLevel } } }`,
      variables: { after: row?.seq ?? '0' },
      field: 'greenChannelChanged',
    });
    try {
      const c = (await run('openGreenChannelCase', { arrivalMode: 'TRANSFER', triageLevel: 2 }, nurse.token)).case;
      await run('startGreenChannelTreatment', { id: c.id }, nurse.token);
      await waitFor(() => feed.events.filter((e) => e.case?.id === c.id).length >= 2 || feed.ended !== null, 10_000, 'the case’s two events');
      expect(feed.errors).toEqual([]);
      expect(feed.events.filter((e) => e.case?.id === c.id).map((e) => e.kind)).toEqual(['OPENED', 'TREATMENT_STARTED']);
    } finally {
      feed.stop();
      await client.dispose();
    }
  });
});
