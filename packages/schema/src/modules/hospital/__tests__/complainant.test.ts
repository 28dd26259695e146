// The complainant's name and contact live in complaint_complainants, behind PATIENT_DATA down to row-level
// security: anyone may record them (staff taking a call, a patient through the public link), only holders of
// the role read them — through the API others get null, over SQL as the app role they see no row and change
// none. Another hospital sees nothing. Events and audit never carry them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, withTenantTransaction, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hospital: TestTenant;
let other: TestTenant;
let staff: { token: string; email: string };
let records: { token: string; email: string };
let coordinator: { token: string; email: string };

const CREATE = `mutation($input: CreateComplaintInput!) { createComplaint(input: $input) {
  __typename ... on ComplaintPayload { complaint { id complainantName complainantContact } } ... on Error { code } } }`;
const READ = `query($id: ID!) { complaint(id: $id) { id summary complainantName complainantContact } }`;

beforeAll(async () => {
  t = await startTestApp({ TRUST_PROXY: 'true' });
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
  staff = await hospital.member(['STAFF']);
  records = await hospital.member(['STAFF', 'PATIENT_DATA']);
  coordinator = await hospital.member(['COORDINATOR']);
});
afterAll(() => t?.close());

describe('the complainant behind PATIENT_DATA', () => {
  let complaintId: string;

  it('staff without the role record the name and contact and read null back; a PATIENT_DATA holder reads them', async () => {
    const created = await t.gql(
      CREATE,
      { input: { category: 'SERVICE_ATTITUDE', summary: '挂号处态度差', complainantName: '王女士', complainantContact: '13911112222' } },
      { token: staff.token },
    );
    expect(created.data.createComplaint).toMatchObject({ __typename: 'ComplaintPayload', complaint: { complainantName: null, complainantContact: null } });
    complaintId = created.data.createComplaint.complaint.id;
    for (const who of [staff, coordinator]) {
      expect((await t.gql(READ, { id: complaintId }, { token: who.token })).data.complaint).toMatchObject({ complainantName: null, complainantContact: null });
    }
    expect((await t.gql(READ, { id: complaintId }, { token: records.token })).data.complaint).toMatchObject({
      complainantName: '王女士',
      complainantContact: '13911112222',
    });
    // Stored apart: the complaints table has no such columns any more, the row is in complaint_complainants.
    const columns = await ownerQuery<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'complaints' AND column_name LIKE 'complainant%'`,
    );
    expect(columns).toEqual([]);
    expect(await ownerQuery('SELECT name, contact FROM complaint_complainants WHERE complaint_id = $1', [rawId(complaintId)])).toEqual([
      { name: '王女士', contact: '13911112222' },
    ]);
    // Neither the events nor the audit log carry them.
    const trail = await ownerQuery<{ text: string }>(
      `SELECT payload::text AS text FROM event_log WHERE tenant_id = $1 UNION ALL SELECT data::text FROM audit_log WHERE tenant_id = $1`,
      [hospital.id],
    );
    expect(trail.length).toBeGreaterThan(0);
    expect(trail.some((r) => r.text?.includes('王女士') || r.text?.includes('13911112222'))).toBe(false);
  });

  it('over SQL as the app role: without the role no row is visible and none changes; with it, the row', async () => {
    const asStaff = await withTenantTransaction(t, hospital, { email: staff.email }, async (deps) => ({
      rows: await deps.db.$queryRaw<{ name: string }[]>`SELECT name, contact FROM complaint_complainants`,
      updated: await deps.db.$executeRaw`UPDATE complaint_complainants SET name = '改名'`,
      role: (await deps.db.$queryRaw<{ role: string }[]>`SELECT current_user AS role`)[0]!.role,
    }));
    expect(asStaff).toEqual({ rows: [], updated: 0, role: 'jiedai_app' });
    const asRecords = await withTenantTransaction(
      t,
      hospital,
      { email: records.email },
      (deps) => deps.db.$queryRaw<{ name: string; contact: string }[]>`SELECT name, contact FROM complaint_complainants`,
    );
    expect(asRecords).toEqual([{ name: '王女士', contact: '13911112222' }]);
    // Another hospital's admin: nothing (tenant isolation), and not through the API either.
    const asOther = await withTenantTransaction(t, other, (deps) => deps.db.$queryRaw<unknown[]>`SELECT * FROM complaint_complainants`);
    expect(asOther).toEqual([]);
    expect((await t.gql(READ, { id: complaintId }, { token: other.adminToken })).data.complaint).toBeNull();
  });

  it('a patient’s name and contact sent through the public link are kept for PATIENT_DATA holders only', async () => {
    const points = await t.gql(`{ servicePoints { id } }`, {}, { token: coordinator.token });
    const link = await t.gql(
      `mutation($p: ID!) { createComplaintIntakeLink(input: { servicePointId: $p }) { ... on CreateComplaintIntakeLinkPayload { code } } }`,
      { p: points.data.servicePoints[0].id },
      { token: coordinator.token },
    );
    const sent = await t.gql(
      `mutation($input: SubmitPublicComplaintInput!) { submitPublicComplaint(input: $input) { __typename } }`,
      {
        input: {
          code: link.data.createComplaintIntakeLink.code,
          category: 'ENVIRONMENT',
          summary: '候诊区饮水机没水',
          complainantName: '李先生',
          complainantContact: 'li@example.cn',
        },
      },
      { headers: { 'x-forwarded-for': '198.51.100.201' } },
    );
    expect(sent.data.submitPublicComplaint.__typename).toBe('SubmitPublicComplaintPayload');
    const LIST = `{ complaints(filter: { category: ENVIRONMENT }) { nodes { summary complainantName complainantContact } } }`;
    expect((await t.gql(LIST, {}, { token: records.token })).data.complaints.nodes).toEqual([
      { summary: '候诊区饮水机没水', complainantName: '李先生', complainantContact: 'li@example.cn' },
    ]);
    expect((await t.gql(LIST, {}, { token: staff.token })).data.complaints.nodes).toEqual([
      { summary: '候诊区饮水机没水', complainantName: null, complainantContact: null },
    ]);
  });
});
