// Complaints and suggestions through the gateway: intake by staff and by API key, the handling
// (acknowledge, assign, respond, close with satisfaction) with its refusals, the tenant's deadline
// policy, deadlines passing (backdated receipt, and the clock moved on), escalation recorded once,
// statistics by department, category and month, tenant isolation, and the live complaint board.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPlatformAdmin, createTenant, globalId, ownerQuery, startTestApp, waitFor, wsFeed, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hospital: TestTenant;
let other: TestTenant;
let staff: { token: string; membershipId: string };
let coordinator: { token: string; membershipId: string };
let departmentId: string;

const RESULT = `__typename ... on ComplaintPayload { complaint { id status version channel severity acknowledgedAt respondedAt response responseChannel satisfaction overdue
  acknowledgeDueAt respondDueAt receivedAt assignee { id } department { name } escalations { deadline } } } ... on Error { code message path }`;

const gql = (query: string, variables: Record<string, unknown>, token: string) => t.gql(query, variables, { token });

async function create(token: string, input: Record<string, unknown>) {
  const res = await gql(`mutation($input: CreateComplaintInput!) { createComplaint(input: $input) { ${RESULT} } }`, { input }, token);
  return res.data.createComplaint;
}
const step = async (name: string, input: Record<string, unknown>, token: string) => {
  const Name = `${name[0]!.toUpperCase()}${name.slice(1)}`;
  const res = await gql(`mutation($input: ${Name}Input!) { ${name}(input: $input) { ${RESULT} } }`, { input }, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data[name];
};

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
  staff = await hospital.member(['STAFF']);
  coordinator = await hospital.member(['COORDINATOR']);
  const dep = await gql(`mutation { createDepartment(input: { name: "门诊部" }) { ... on DepartmentPayload { department { id } } } }`, {}, hospital.adminToken);
  departmentId = dep.data.createDepartment.department.id;
});
afterAll(() => t?.close());
afterEach(() => vi.useRealTimers());

describe('intake and handling', () => {
  it('staff take a complaint; it is acknowledged, assigned, answered by its assignee and closed with the satisfaction', async () => {
    const created = await create(staff.token, {
      category: 'WAITING_TIME',
      severity: 'HIGH',
      summary: '候诊时间超过两小时，无人解释',
      departmentId,
      complainantName: '刘女士',
      complainantContact: '13900000000',
    });
    expect(created).toMatchObject({
      __typename: 'ComplaintPayload',
      complaint: { status: 'NEW', channel: 'STAFF', severity: 'HIGH', overdue: [], department: { name: '门诊部' } },
    });
    const c = created.complaint;
    // HIGH by default: acknowledged within 2 hours, answered within 2 days.
    expect(Date.parse(c.acknowledgeDueAt) - Date.parse(c.receivedAt)).toBe(2 * 3600_000);
    expect(Date.parse(c.respondDueAt) - Date.parse(c.receivedAt)).toBe(2 * 86_400_000);

    // Closing before a response is refused; nothing changes.
    expect(await step('closeComplaint', { id: c.id, satisfaction: 5 }, coordinator.token)).toMatchObject({ code: 'INVALID_TRANSITION' });
    const acked = await step('acknowledgeComplaint', { id: c.id, expectedVersion: c.version }, staff.token);
    expect(acked.complaint).toMatchObject({ status: 'ACKNOWLEDGED', version: c.version + 1 });
    // A stale version is a conflict.
    expect(await step('acknowledgeComplaint', { id: c.id, expectedVersion: c.version }, staff.token)).toMatchObject({ code: 'CONFLICT' });
    // Staff may not assign (COORDINATOR): FORBIDDEN as data.
    expect(await step('assignComplaint', { id: c.id, assigneeId: staff.membershipId }, staff.token)).toMatchObject({
      __typename: 'ForbiddenError',
      code: 'FORBIDDEN',
    });
    const assigned = await step('assignComplaint', { id: c.id, assigneeId: staff.membershipId }, coordinator.token);
    expect(assigned.complaint.assignee).toEqual({ id: staff.membershipId });

    // Another staff member is not the assignee.
    const colleague = await hospital.member(['STAFF']);
    const respond = { id: c.id, response: '已向患者致歉并说明原因，增开诊室', responseChannel: 'PHONE' };
    expect(await step('respondToComplaint', respond, colleague.token)).toMatchObject({ code: 'NOT_ASSIGNEE' });
    // Bad input: a typed error naming the field, nothing changed.
    const bad = await step('respondToComplaint', { ...respond, response: '   ' }, staff.token);
    expect(bad).toMatchObject({ __typename: 'ValidationError', code: 'BAD_USER_INPUT', path: ['input', 'response'] });
    const responded = await step('respondToComplaint', respond, staff.token);
    expect(responded.complaint).toMatchObject({ status: 'RESPONDED', response: respond.response, responseChannel: 'PHONE' });

    expect(await step('closeComplaint', { id: c.id, satisfaction: 9 }, coordinator.token)).toMatchObject({
      code: 'BAD_USER_INPUT',
      path: ['input', 'satisfaction'],
    });
    const closed = await step('closeComplaint', { id: c.id, satisfaction: 4, closingNote: '患者表示理解' }, coordinator.token);
    expect(closed.complaint).toMatchObject({ status: 'CLOSED', satisfaction: 4 });
    expect(await step('respondToComplaint', respond, coordinator.token)).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('an API client sends complaints (channel API); a viewer may neither create nor read them', async () => {
    const key = await gql(
      `mutation { createApiKey(input: { name: "患者服务平台", role: STAFF }) { ... on CreateApiKeySuccess { secret } } }`,
      {},
      hospital.adminToken,
    );
    const secret = key.data.createApiKey.secret as string;
    const created = await create(secret, { kind: 'SUGGESTION', category: 'ENVIRONMENT', summary: '候诊区饮水机不够', severity: 'LOW' });
    expect(created.complaint).toMatchObject({ channel: 'API', status: 'NEW', severity: 'LOW' });
    const viewer = await hospital.member(['VIEWER']);
    expect(await create(viewer.token, { category: 'FEES', summary: 'x' })).toMatchObject({ __typename: 'ForbiddenError' });
    const read = await gql(`{ complaints(first: 5) { totalCount } }`, {}, viewer.token);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Unknown department: a typed error, nothing stored.
    const before = (await gql(`{ complaints { totalCount } }`, {}, staff.token)).data.complaints.totalCount;
    expect(
      await create(staff.token, { category: 'FEES', summary: '收费有误', departmentId: globalId('Department', '00000000-0000-4000-8000-000000000000') }),
    ).toMatchObject({
      code: 'INVALID_REFERENCE',
    });
    expect((await gql(`{ complaints { totalCount } }`, {}, staff.token)).data.complaints.totalCount).toBe(before);
  });

  it('another hospital sees none of them', async () => {
    const mine = await create(staff.token, { category: 'FEES', summary: '重复收费' });
    const theirs = await gql(`query($id: ID!) { node(id: $id) { id } complaints { totalCount } }`, { id: mine.complaint.id }, other.adminToken);
    expect(theirs.data).toEqual({ node: null, complaints: { totalCount: 0 } });
  });
});

describe('policy, deadlines and escalation', () => {
  it('the tenant sets its deadlines per severity; new complaints follow them, bad ones are refused', async () => {
    const policy = await gql(`{ complaintPolicy { severity acknowledgeMinutes respondMinutes } }`, {}, staff.token);
    expect(policy.data.complaintPolicy).toContainEqual({ severity: 'CRITICAL', acknowledgeMinutes: 30, respondMinutes: 1440 });
    const SET = `mutation($input: SetComplaintDeadlineInput!) { setComplaintDeadline(input: $input) {
      __typename ... on ComplaintPolicyPayload { policy { severity acknowledgeMinutes respondMinutes } } ... on Error { code path } } }`;
    const refused = await gql(SET, { input: { severity: 'LOW', acknowledgeMinutes: 600, respondMinutes: 60 } }, hospital.adminToken);
    expect(refused.data.setComplaintDeadline).toMatchObject({ code: 'BAD_USER_INPUT', path: ['input', 'respondMinutes'] });
    expect(
      (await gql(SET, { input: { severity: 'LOW', acknowledgeMinutes: 60, respondMinutes: 600 } }, coordinator.token)).data.setComplaintDeadline.code,
    ).toBe('FORBIDDEN');
    const set = await gql(SET, { input: { severity: 'LOW', acknowledgeMinutes: 60, respondMinutes: 600 } }, hospital.adminToken);
    expect(set.data.setComplaintDeadline.policy).toContainEqual({ severity: 'LOW', acknowledgeMinutes: 60, respondMinutes: 600 });
    const c = (await create(staff.token, { category: 'OTHER', severity: 'LOW', summary: '建议增加指示牌' })).complaint;
    expect(Date.parse(c.acknowledgeDueAt) - Date.parse(c.receivedAt)).toBe(3600_000);
    expect(Date.parse(c.respondDueAt) - Date.parse(c.receivedAt)).toBe(600 * 60_000);
  });

  it('a complaint received days ago is overdue on both deadlines; escalation records each once', async () => {
    const receivedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const c = (await create(staff.token, { category: 'MEDICAL_CARE', severity: 'HIGH', summary: '术后随访无人联系', receivedAt })).complaint;
    expect(c.overdue).toEqual(['ACKNOWLEDGEMENT', 'RESPONSE']);
    // A future receipt is refused.
    expect(await create(staff.token, { category: 'FEES', summary: 'x', receivedAt: new Date(Date.now() + 86_400_000).toISOString() })).toMatchObject({
      path: ['input', 'receivedAt'],
    });
    const overdue = await gql(`{ complaints(filter: { overdue: true }) { nodes { id } } }`, {}, staff.token);
    expect(overdue.data.complaints.nodes.map((n: { id: string }) => n.id)).toContain(c.id);

    const ESCALATE = `mutation { escalateOverdueComplaints(input: {}) { __typename ... on EscalateOverdueComplaintsPayload { escalated { id escalations { deadline } } } ... on Error { code } } }`;
    expect((await gql(ESCALATE, {}, staff.token)).data.escalateOverdueComplaints.code).toBe('FORBIDDEN');
    const first = await gql(ESCALATE, {}, coordinator.token);
    const mine = first.data.escalateOverdueComplaints.escalated.find((e: { id: string }) => e.id === c.id);
    expect(mine.escalations.map((e: { deadline: string }) => e.deadline).sort()).toEqual(['ACKNOWLEDGEMENT', 'RESPONSE']);
    const again = await gql(ESCALATE, {}, coordinator.token);
    expect(again.data.escalateOverdueComplaints.escalated.map((e: { id: string }) => e.id)).not.toContain(c.id);
    // Answering ends the overdue state (the escalations stay on record).
    const responded = await step('respondToComplaint', { id: c.id, response: '已电话回访', responseChannel: 'PHONE' }, coordinator.token);
    expect(responded.complaint.overdue).toEqual([]);
    expect(responded.complaint.escalations).toHaveLength(2);
  });

  it('with the clock moved past the acknowledgement deadline, a complaint taken now becomes overdue and is escalated', async () => {
    const c = (await create(staff.token, { category: 'SERVICE_ATTITUDE', severity: 'CRITICAL', summary: '护士态度恶劣' })).complaint;
    expect(c.overdue).toEqual([]);
    // Only Date is faked (the gateway runs in this process): 31 minutes later, CRITICAL's 30 are gone.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31 * 60_000 });
    const read = await gql(`query($id: ID!) { complaint(id: $id) { overdue } }`, { id: c.id }, staff.token);
    expect(read.data.complaint.overdue).toEqual(['ACKNOWLEDGEMENT']);
    const escalated = await gql(
      `mutation { escalateOverdueComplaints(input: {}) { ... on EscalateOverdueComplaintsPayload { escalated { id escalations { deadline } } } } }`,
      {},
      coordinator.token,
    );
    const mine = escalated.data.escalateOverdueComplaints.escalated.find((e: { id: string }) => e.id === c.id);
    expect(mine.escalations).toEqual([{ deadline: 'ACKNOWLEDGEMENT' }]);
  });
});

describe('statistics', () => {
  it('counts by department, category and month of the tenant’s zone', async () => {
    const fresh = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOSPITAL');
    const dep = await gql(`mutation { createDepartment(input: { name: "收费处" }) { ... on DepartmentPayload { department { id } } } }`, {}, fresh.adminToken);
    const depId = dep.data.createDepartment.department.id;
    await create(fresh.adminToken, { category: 'FEES', summary: '多收费', departmentId: depId });
    await create(fresh.adminToken, { category: 'FEES', summary: '发票错误', departmentId: depId });
    await create(fresh.adminToken, { category: 'ENVIRONMENT', summary: '厕所不洁' });
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const res = await gql(
      `query($from: String!, $to: String!) { complaintStatistics(from: $from, to: $to) {
        total byDepartment { department { name } count late } byCategory { category count } byMonth { month count } } }`,
      { from: month, to: month },
      fresh.adminToken,
    );
    expect(res.data.complaintStatistics).toEqual({
      total: 3,
      byDepartment: [
        { department: { name: '收费处' }, count: 2, late: 0 },
        { department: null, count: 1, late: 0 },
      ],
      byCategory: [
        { category: 'FEES', count: 2 },
        { category: 'ENVIRONMENT', count: 1 },
      ],
      byMonth: [{ month, count: 3 }],
    });
    const bad = await gql(`{ complaintStatistics(from: "2026-13", to: "2026-01") { total } }`, {}, fresh.adminToken);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('live', () => {
  it('complaintChanged delivers a new complaint and its handling to graphql-ws subscribers, in order, from the cursor it subscribed after', async () => {
    await t.listen();
    const client = t.wsClient({ Authorization: `Bearer ${coordinator.token}` });
    const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [hospital.id]);
    const feed = wsFeed<{ cursor: string; kind: string; complaint: { id: string; status: string } | null }>(client, {
      query: `subscription($after: String) { complaintChanged(after: $after) { cursor kind complaint { id status } } }`,
      variables: { after: row?.seq ?? '0' },
      field: 'complaintChanged',
    });
    try {
      // Subscribed from the cursor before the change: the event arrives whether the subscription was live yet or not.
      const created = await create(staff.token, { category: 'COMMUNICATION', summary: '医生未解释检查结果' });
      await waitFor(() => feed.events.length > 0 || feed.ended !== null, 10_000, 'the first complaint event');
      expect(feed.errors).toEqual([]);
      const id = created.complaint.id as string;
      await step('acknowledgeComplaint', { id }, staff.token);
      await waitFor(() => feed.events.some((e) => e.kind === 'ACKNOWLEDGED' && e.complaint?.id === id), 10_000, 'the acknowledgement');
      const mine = feed.events.filter((e) => e.complaint?.id === id).map((e) => e.kind);
      expect(mine).toEqual(['CREATED', 'ACKNOWLEDGED']);
      const cursors = feed.events.map((e) => BigInt(e.cursor));
      expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
      expect(feed.errors).toEqual([]);
    } finally {
      feed.stop();
      await client.dispose();
    }
  });
});

describe('a complaint opens a finding of its department’s assessment', () => {
  async function departmentAssessment(token: string, department: string): Promise<string> {
    const tpl = await gql(
      `mutation($input: CreateAssessmentTemplateInput!) { createAssessmentTemplate(input: $input) { __typename ... on AssessmentTemplatePayload { template { id } } ... on Error { message } } }`,
      {
        input: {
          name: `科室服务标准 ${Math.random()}`,
          kind: 'SERVICE_STANDARD',
          subjectType: 'DEPARTMENT',
          criteria: [{ title: '服务态度', weight: 1, scaleKind: 'POINTS', scaleMax: 10 }],
        },
      },
      token,
    );
    const templateId = tpl.data.createAssessmentTemplate.template.id;
    await gql(`mutation($id: ID!) { publishAssessmentTemplate(input: { id: $id }) { __typename } }`, { id: templateId }, token);
    const started = await gql(
      `mutation($t: ID!, $s: ID) { startAssessment(input: { templateId: $t, subjectId: $s, assessedOn: "2030-03-01" }) { __typename ... on AssessmentPayload { assessment { id } } ... on Error { message } } }`,
      { t: templateId, s: department },
      token,
    );
    return started.data.startAssessment.assessment.id;
  }
  const OPEN = `mutation($input: OpenComplaintFindingInput!) { openComplaintFinding(input: $input) {
    __typename ... on ComplaintPayload { complaint { id finding { id severity description task { title } complaint { id } } } } ... on Error { code } } }`;

  it('links both ways, once; the corrective action is a task; another department’s assessment is refused', async () => {
    const assessmentId = await departmentAssessment(hospital.adminToken, departmentId);
    const c = (
      await create(staff.token, { category: 'SERVICE_ATTITUDE', severity: 'HIGH', summary: '挂号窗口态度生硬', departmentId, complainantName: '赵先生' })
    ).complaint;
    const input = { complaintId: c.id, assessmentId, correctiveAction: '窗口人员服务礼仪培训' };
    expect((await gql(OPEN, { input }, staff.token)).data.openComplaintFinding.code).toBe('FORBIDDEN');
    const other = await gql(
      `mutation { createDepartment(input: { name: "药剂科" }) { ... on DepartmentPayload { department { id } } } }`,
      {},
      hospital.adminToken,
    );
    const otherAssessment = await departmentAssessment(hospital.adminToken, other.data.createDepartment.department.id);
    expect((await gql(OPEN, { input: { ...input, assessmentId: otherAssessment } }, coordinator.token)).data.openComplaintFinding.code).toBe(
      'INVALID_REFERENCE',
    );
    const opened = (await gql(OPEN, { input }, coordinator.token)).data.openComplaintFinding;
    expect(opened.__typename).toBe('ComplaintPayload');
    const finding = opened.complaint.finding;
    expect(finding).toMatchObject({ severity: 'HIGH', task: { title: '整改：窗口人员服务礼仪培训' }, complaint: { id: c.id } });
    expect(finding.description).toContain('挂号窗口态度生硬');
    expect(finding.description).not.toContain('赵先生');
    expect((await gql(OPEN, { input }, coordinator.token)).data.openComplaintFinding.code).toBe('ALREADY_LINKED');
  });
});
