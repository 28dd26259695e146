// The demo hospital's extras, seeded in a fresh hospital (rolled back): complaints in several states,
// one overdue and escalated, a public link, and one open green-channel case with its paperwork tasks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, withTenantTransaction, type TestApp, type TestTenant } from '@jiedai/testing';
import { seedHospitalDemoExtras } from '../complaint.demo.ts';

let t: TestApp;
let hospital: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  hospital = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOSPITAL');
  await hospital.member(['STAFF']);
});
afterAll(() => t?.close());

describe('the demo hospital’s complaints and green channel', () => {
  it('has complaints in every state, an escalated one, a public link and an open green-channel case', async () => {
    await withTenantTransaction(t, hospital, async (deps) => {
      const department = await deps.db.department.create({ data: { tenantId: hospital.id, name: '门诊部' } });
      await seedHospitalDemoExtras(deps, { visitId: '00000000-0000-4000-8000-000000000000', departmentId: department.id });
      const complaints = await deps.db.complaint.findMany({ include: { escalations: true } });
      expect(new Set(complaints.map((c) => c.status))).toEqual(new Set(['NEW', 'ACKNOWLEDGED', 'RESPONDED', 'CLOSED']));
      expect(complaints.some((c) => c.channel === 'PUBLIC_LINK')).toBe(true);
      expect(complaints.find((c) => c.status === 'CLOSED')?.satisfaction).toBe(4);
      expect(complaints.find((c) => c.status === 'ACKNOWLEDGED')?.assigneeMembershipId).toBeTruthy();
      expect(complaints.flatMap((c) => c.escalations.map((e) => e.deadline)).sort()).toEqual(['ACKNOWLEDGEMENT', 'RESPONSE']);
      // Each escalation with its task for the department's coordinators.
      const escalationTasks = complaints.flatMap((c) => c.escalations.map((e) => e.taskId));
      expect(escalationTasks.every(Boolean)).toBe(true);
      expect(await deps.db.task.count({ where: { id: { in: escalationTasks as string[] }, assigneeRole: 'COORDINATOR' } })).toBe(2);
      // The admin (no PATIENT_DATA) sees no complainant row, though two were recorded (RLS).
      expect(await deps.db.complaintComplainant.count()).toBe(0);
      expect(await deps.db.complaintIntakeLink.count()).toBe(1);
      const cases = await deps.db.greenChannelCase.findMany({ include: { paperwork: true } });
      expect(cases).toHaveLength(1);
      expect(cases[0]).toMatchObject({ status: 'OPEN', triageLevel: 1 });
      expect(cases[0]!.treatmentStartedAt).toBeTruthy();
      expect(cases[0]!.paperwork).toHaveLength(3);
      // Everything was announced on the live boards.
      expect(deps.events.filter((e) => e.topic === 'complaint' && e.type === 'CREATED')).toHaveLength(5);
      expect(deps.events.some((e) => e.topic === 'green_channel' && e.type === 'OPENED')).toBe(true);
    });
  });
});
