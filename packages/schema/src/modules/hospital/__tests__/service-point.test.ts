// A hospital's service points: seeded with the text's points, managed by its admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hospital: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
});
afterAll(() => t?.close());

describe('service points', () => {
  it('include the guide desk, the green channel and a peak-time cashier window', async () => {
    const res = await t.gql(`{ servicePoints { name kind isPeakOnly } }`, {}, { token: hospital.adminToken });
    const kinds = res.data.servicePoints.map((p: { kind: string }) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['GUIDE_DESK', 'GREEN_CHANNEL', 'CASHIER_WINDOW', 'TRIAGE', 'REPORT_PICKUP', 'WAITING_AREA']));
    expect(res.data.servicePoints.some((p: { kind: string; isPeakOnly: boolean }) => p.kind === 'CASHIER_WINDOW' && p.isPeakOnly)).toBe(true);
  });

  it('are created in a department, filtered by kind, and deleted; duplicates are refused', async () => {
    const dep = await t.gql(
      `mutation { createDepartment(input: { name: "药剂科" }) { ... on DepartmentPayload { department { id } } } }`,
      {},
      { token: hospital.adminToken },
    );
    const depId = dep.data.createDepartment.department.id;
    const created = await t.gql(
      `mutation($d: ID) { createServicePoint(input: { name: "西药房", kind: PHARMACY, departmentId: $d, location: "门诊一楼" }) {
        __typename ... on ServicePointPayload { servicePoint { id name department { name } location } } } }`,
      { d: depId },
      { token: hospital.adminToken },
    );
    expect(created.data.createServicePoint.servicePoint).toMatchObject({ name: '西药房', department: { name: '药剂科' }, location: '门诊一楼' });
    const dup = await t.gql(
      `mutation { createServicePoint(input: { name: "西药房", kind: PHARMACY }) { __typename ... on HospitalError { code } } }`,
      {},
      { token: hospital.adminToken },
    );
    expect(dup.data.createServicePoint).toEqual({ __typename: 'HospitalError', code: 'NAME_TAKEN' });
    const pharmacies = await t.gql(`{ servicePoints(kind: PHARMACY) { name } }`, {}, { token: hospital.adminToken });
    expect(pharmacies.data.servicePoints).toEqual([{ name: '西药房' }]);
    const id = created.data.createServicePoint.servicePoint.id;
    const del = await t.gql(
      `mutation($id: ID!) { deleteServicePoint(input: { id: $id }) { ... on DeleteServicePointPayload { deletedServicePointId } } }`,
      { id },
      { token: hospital.adminToken },
    );
    expect(del.data.deleteServicePoint.deletedServicePointId).toBe(id);
    const again = await t.gql(
      `mutation($id: ID!) { deleteServicePoint(input: { id: $id }) { __typename ... on HospitalError { code } } }`,
      { id },
      { token: hospital.adminToken },
    );
    expect(again.data.deleteServicePoint).toEqual({ __typename: 'HospitalError', code: 'NOT_FOUND' });
  });
});
