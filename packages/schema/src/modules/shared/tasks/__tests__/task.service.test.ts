// The task service called directly (no GraphQL), inside a rolled-back tenant transaction as the app
// role with the tenant's scope set as the gateway sets it (withTenantTransaction in @jiedai/testing):
// status transitions and their typed errors, the events they queue, and the fixture's own promises —
// nothing it wrote survives it, and RLS holds inside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatformAdmin,
  createTenant,
  ownerQuery,
  rawId,
  startTestApp,
  unique,
  withTenantTransaction,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';
import { TaskError } from '../task.errors.ts';
import { changeTaskStatus, createTask, TASK_TOPIC } from '../task.service.ts';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  [a, b] = await Promise.all([
    createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false }),
    createTenant(t, platform.token, 'HOTEL', { withDefaultStructure: false }),
  ]);
});
afterAll(async () => {
  await t?.close();
});

/** The error a call fails with (the test fails if it does not). */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

describe('task service, in a rolled-back tenant transaction', () => {
  it('walks TODO → IN_PROGRESS → DONE (completion recorded, version counted, one event per change)', async () => {
    await withTenantTransaction(t, a, async (deps) => {
      expect(deps.access).toMatchObject({ tenantId: a.id, tenantKind: 'GOVERNMENT_OFFICE', roles: ['TENANT_ADMIN'] });
      const task = await createTask(deps, { phase: 'PREPARATION', title: '预订房间' });
      expect(task).toMatchObject({ tenantId: a.id, status: 'TODO', version: 1, completedAt: null });
      const started = await changeTaskStatus(deps, { taskId: task.id, expectedVersion: 1, status: 'IN_PROGRESS' });
      expect(started).toMatchObject({ status: 'IN_PROGRESS', version: 2 });
      const done = await changeTaskStatus(deps, { taskId: task.id, expectedVersion: 2, status: 'DONE' });
      expect(done).toMatchObject({ status: 'DONE', version: 3, completedById: deps.access.userId });
      expect(done.completedAt).toBeInstanceOf(Date);
      expect(deps.events.map((e) => [e.topic, e.type])).toEqual([
        [TASK_TOPIC, 'CREATED'],
        [TASK_TOPIC, 'STATUS_CHANGED'],
        [TASK_TOPIC, 'STATUS_CHANGED'],
      ]);
    });
  });

  it('refuses with a typed TaskError: an illegal transition, a block without a reason, a stale version', async () => {
    await withTenantTransaction(t, a, async (deps) => {
      const task = await createTask(deps, { phase: 'RECEPTION', title: '迎接客人' });
      const done = await changeTaskStatus(deps, { taskId: task.id, status: 'DONE' });

      const illegal = await failure(changeTaskStatus(deps, { taskId: task.id, status: 'BLOCKED', reason: '下雨' }));
      expect(illegal).toBeInstanceOf(TaskError);
      expect(illegal).toMatchObject({ code: 'ILLEGAL_TRANSITION' });

      await changeTaskStatus(deps, { taskId: task.id, expectedVersion: done.version, status: 'TODO' });
      expect(await failure(changeTaskStatus(deps, { taskId: task.id, status: 'BLOCKED', reason: '  ' }))).toMatchObject({ code: 'REASON_REQUIRED' });
      expect(await failure(changeTaskStatus(deps, { taskId: task.id, expectedVersion: done.version, status: 'IN_PROGRESS' }))).toMatchObject({
        code: 'CONFLICT',
      });
      const blocked = await changeTaskStatus(deps, { taskId: task.id, status: 'BLOCKED', reason: '车辆未到' });
      expect(blocked).toMatchObject({ status: 'BLOCKED', statusReason: '车辆未到', completedAt: null, completedById: null });
    });
  });

  it('rolls back whatever it wrote: the task created inside is gone afterwards', async () => {
    const title = unique('rolled-back');
    const id = await withTenantTransaction(t, a, async (deps) => {
      const task = await createTask(deps, { phase: 'FOLLOW_UP', title });
      // Visible inside its transaction...
      expect(await deps.db.task.count({ where: { id: task.id } })).toBe(1);
      return task.id;
    });
    // ...and nowhere after it (read as the owner, past RLS).
    expect(await ownerQuery('SELECT id FROM tasks WHERE id = $1 OR title = $2', [id, title])).toEqual([]);
    expect(await ownerQuery('SELECT id FROM audit_log WHERE target_id = $1', [id])).toEqual([]);
  });

  it("keeps RLS: another tenant's task is invisible inside the fixture (and visible in its own tenant's)", async () => {
    const created = await t.gql(
      `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on TaskPayload { task { id } } } }`,
      { input: { phase: 'RECEPTION', title: unique('tenant-b') } },
      { token: b.adminToken },
    );
    expect(created.data.createTask.__typename).toBe('TaskPayload');
    const otherId = rawId(created.data.createTask.task.id);

    await withTenantTransaction(t, a, async (deps) => {
      expect(await deps.db.task.findUnique({ where: { id: otherId } })).toBeNull();
      expect(await deps.db.task.count({ where: { tenantId: b.id } })).toBe(0);
      expect(await failure(changeTaskStatus(deps, { taskId: otherId, status: 'DONE' }))).toMatchObject({ code: 'NOT_FOUND' });
    });
    await withTenantTransaction(t, b, async (deps) => {
      expect(await deps.db.task.findUnique({ where: { id: otherId } })).toMatchObject({ id: otherId, tenantId: b.id, status: 'TODO' });
    });
  });

  it("acts as the member it is given, with that member's roles", async () => {
    const staff = await a.member(['STAFF']);
    await withTenantTransaction(t, a, { email: staff.email }, async (deps) => {
      expect(deps.access).toMatchObject({ tenantId: a.id, roles: ['STAFF'] });
      const task = await createTask(deps, { phase: 'RECEPTION', title: '引导停车' });
      expect(task.createdById).toBe(deps.access.userId);
    });
  });
});
