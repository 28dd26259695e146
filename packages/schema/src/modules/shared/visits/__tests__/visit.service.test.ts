// The visit service called directly (no GraphQL), inside a rolled-back tenant transaction
// (withTenantTransaction in @jiedai/testing): the lifecycle's typed refusals and the version check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, withTenantTransaction, type TestApp, type TestTenant } from '@jiedai/testing';
import { VisitError } from '../visit.errors.ts';
import { changeVisitStatus, createVisit, updateVisit } from '../visit.service.ts';

let t: TestApp;
let a: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
});
afterAll(async () => {
  await t?.close();
});

const DAY = 24 * 3600_000;
const newVisit = { title: '市领导调研', purpose: 'WORK_INSPECTION' as const, startsAt: new Date(Date.now() + 7 * DAY), endsAt: new Date(Date.now() + 8 * DAY) };

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

describe('visit service, in a rolled-back tenant transaction', () => {
  it('creates a visit in the tenant, coordinated by the caller, and counts its versions', async () => {
    await withTenantTransaction(t, a, async (deps) => {
      const visit = await createVisit(deps, newVisit);
      expect(visit).toMatchObject({ tenantId: a.id, status: 'REQUESTED', version: 1, createdById: deps.access.userId });
      expect(visit.coordinatorId).not.toBeNull();
      const renamed = await updateVisit(deps, visit.id, 1, { title: '市领导工作调研' });
      expect(renamed).toMatchObject({ title: '市领导工作调研', version: 2 });
      const stale = await failure(updateVisit(deps, visit.id, 1, { title: 'again' }));
      expect(stale).toBeInstanceOf(VisitError);
      expect(stale).toMatchObject({ code: 'CONFLICT' });
    });
  });

  it('refuses an illegal move, and any change of a cancelled visit', async () => {
    await withTenantTransaction(t, a, async (deps) => {
      const visit = await createVisit(deps, newVisit);
      expect(await failure(changeVisitStatus(deps, { visitId: visit.id, expectedVersion: 1, to: 'COMPLETED' }))).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      const cancelled = await changeVisitStatus(deps, { visitId: visit.id, expectedVersion: 1, to: 'CANCELLED', reason: '行程取消' });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', version: 2 });
      expect(await failure(updateVisit(deps, visit.id, 2, { title: 'too late' }))).toMatchObject({ code: 'VISIT_CLOSED' });
    });
  });
});
