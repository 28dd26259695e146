// Visits through the real gateway: the hooks other modules register with the visits module (tasks:
// due times follow a material change; assessments: a completed visit gets its review) run inside the
// change's transaction. A hook sees the change, gets the plan as it is after it, and a hook that fails
// fails the change: the visit, the audit log and what earlier hooks wrote are all rolled back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { registerVisitHooks } from '../visit.hooks.ts';
import { fingerprint, L, ok, visitApi, type VisitApi } from './visits.helpers.ts';

let t: TestApp;
let api: VisitApi;
let a: TestTenant;
let coordinator: { token: string; membershipId: string };
const unregister: (() => void)[] = [];

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  coordinator = await a.member(['COORDINATOR']);
});
afterEach(() => {
  for (const off of unregister.splice(0)) off();
});
afterAll(() => t?.close());

describe('visit hooks', () => {
  it('a material change runs onPlanChanged in its transaction, with the changed plan; a failing hook rolls the change back', async () => {
    const v = await api.newVisit(coordinator.token);
    const seen: { visitId: string; startsAt: string; titleInTx: string }[] = [];
    unregister.push(
      registerVisitHooks({
        async onPlanChanged(deps, visitId, plan) {
          if (visitId !== rawId(v)) return;
          // A write of the hook's own, then a failure: neither the change nor this write may remain.
          const written = await deps.db.visit.update({ where: { id: visitId }, data: { title: 'written by the hook' } });
          seen.push({ visitId, startsAt: (await plan()).startsAt, titleInTx: written.title });
          throw new Error('hook failed on purpose');
        },
      }),
    );
    const version = await api.version(coordinator.token, v);
    const before = await fingerprint(a.id);

    await expect(api.updateVisit(coordinator.token, v, { startsAt: L('2030-05-10T08:00') }, version)).rejects.toThrow();

    // The hook ran once, in the change: it saw the new start in the plan it was given.
    expect(seen).toEqual([{ visitId: rawId(v), startsAt: L('2030-05-10T08:00'), titleInTx: 'written by the hook' }]);
    // And nothing of it stayed: version, start, title, audit log and events are as before.
    expect(await fingerprint(a.id)).toEqual(before);
    const [row] = await ownerQuery(`SELECT version, starts_at, title FROM visits WHERE id = $1`, [rawId(v)]);
    expect(row.version).toBe(version);
    expect(new Date(row.starts_at).toISOString()).toBe(L('2030-05-10T09:00'));
    expect(row.title).not.toBe('written by the hook');

    // Without the failing hook the same change goes through, at the same version.
    for (const off of unregister.splice(0)) off();
    expect(ok(await api.updateVisit(coordinator.token, v, { startsAt: L('2030-05-10T08:00') }, version)).visit.version).toBe(version + 1);
  });

  it('a title change is not material: onPlanChanged is not called', async () => {
    const v = await api.newVisit(coordinator.token);
    const calls: string[] = [];
    unregister.push(registerVisitHooks({ onPlanChanged: async (_deps, visitId) => void calls.push(visitId) }));
    ok(await api.updateVisit(coordinator.token, v, { title: '只改标题' }, await api.version(coordinator.token, v)));
    expect(calls).toEqual([]);
    ok(await api.updateVisit(coordinator.token, v, { endsAt: L('2030-05-10T18:00') }, await api.version(coordinator.token, v)));
    expect(calls).toEqual([rawId(v)]);
  });

  it('completing a visit runs onVisitCompleted in its transaction: a failing hook undoes the completion and the review started by the assessments hook', async () => {
    const v = await api.newVisit(coordinator.token);
    // Straight to IN_PROGRESS as the database owner: the approval path is not what is tested here.
    await ownerQuery(`UPDATE visits SET status = 'IN_PROGRESS' WHERE id = $1`, [rawId(v)]);
    const reviews = async () => (await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM assessments WHERE visit_id = $1`, [rawId(v)]))[0]!.n;
    const completed: string[] = [];
    unregister.push(
      registerVisitHooks({
        async onVisitCompleted(deps, visitId) {
          if (visitId !== rawId(v)) return;
          // The assessments module's hook ran before this one, in the same transaction: its draft review is visible here.
          completed.push(`${visitId}:${await deps.db.assessment.count({ where: { visitId } })}`);
          throw new Error('hook failed on purpose');
        },
      }),
    );
    const version = await api.version(coordinator.token, v);

    await expect(api.setStatus(coordinator.token, v, 'COMPLETED', version)).rejects.toThrow();

    expect(completed).toEqual([`${rawId(v)}:1`]);
    const [row] = await ownerQuery(`SELECT status, version FROM visits WHERE id = $1`, [rawId(v)]);
    expect(row).toEqual({ status: 'IN_PROGRESS', version });
    expect(await reviews()).toBe(0);

    for (const off of unregister.splice(0)) off();
    expect(ok(await api.setStatus(coordinator.token, v, 'COMPLETED', version)).visit.status).toBe('COMPLETED');
    expect(await reviews()).toBe(1);
  });
});
