// Deleting a task that a hospital record relies on — a round's check, a green-channel case's paperwork, a
// complaint's escalation — is refused with TASK_IN_USE (the foreign keys no longer cascade): the task and
// the record stay, nothing is announced. A task nothing relies on is deleted as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hospital: TestTenant;
let coordinator: { token: string };

const DELETE = `mutation($id: ID!) { deleteTask(input: { id: $id }) { __typename ... on DeleteTaskPayload { deletedTaskId } ... on Error { code message } } }`;
const gql = (query: string, variables: Record<string, unknown> = {}, token = coordinator.token) => t.gql(query, variables, { token });
const taskExists = async (id: string) => (await ownerQuery('SELECT 1 FROM tasks WHERE id = $1', [rawId(id)])).length === 1;
const deletedEvents = async () =>
  (await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE tenant_id = $1 AND topic = 'task' AND type = 'DELETED'`, [hospital.id]))[0]!
    .n;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  coordinator = await hospital.member(['COORDINATOR', 'STAFF']);
});
afterAll(() => t?.close());

describe('deleteTask of a task in use', () => {
  it('refuses a round check’s, a paperwork’s and an escalation’s task with TASK_IN_USE and keeps them; deletes a free task', async () => {
    // A round of today with its checks.
    const made = await gql(`mutation { createServicePointRounds(input: {}) { __typename ... on CreateServicePointRoundsPayload { created } } }`);
    expect(made.data.createServicePointRounds.created).toBeGreaterThan(0);
    const rounds = await gql(`{ servicePointRounds(first: 1) { nodes { id checks { task { id } } } } }`);
    const round = rounds.data.servicePointRounds.nodes[0];
    const checkTask = round.checks[0].task.id;
    // A green-channel case with its paperwork.
    const opened = await gql(`mutation { openGreenChannelCase(input: { arrivalMode: WALK_IN, triageLevel: 3 }) {
      ... on GreenChannelCasePayload { case { id paperwork { kind task { id } } } } } }`);
    const paperworkTask = opened.data.openGreenChannelCase.case.paperwork[0].task.id;
    // A complaint overdue and escalated, with its task.
    const receivedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const complaint = await gql(`mutation($input: CreateComplaintInput!) { createComplaint(input: $input) { ... on ComplaintPayload { complaint { id } } } }`, {
      input: { category: 'FEES', severity: 'HIGH', summary: '收费不明', receivedAt },
    });
    const complaintId = complaint.data.createComplaint.complaint.id;
    await gql(`mutation { escalateOverdueComplaints(input: {}) { __typename } }`);
    const escalated = await gql(`query($id: ID!) { complaint(id: $id) { escalations { deadline task { id title } } } }`, { id: complaintId });
    const escalations = escalated.data.complaint.escalations;
    expect(escalations).toHaveLength(2);
    const escalationTask = escalations[0].task.id;

    const eventsBefore = await deletedEvents();
    for (const id of [checkTask, paperworkTask, escalationTask]) {
      const res = await gql(DELETE, { id });
      expect(res.data.deleteTask, id).toMatchObject({ __typename: 'TaskError', code: 'TASK_IN_USE' });
      expect(await taskExists(id)).toBe(true);
    }
    // The records still hold their tasks.
    const after = await gql(`query($id: ID!) { node(id: $id) { ... on ServicePointRound { checks { task { id } } } } }`, { id: round.id });
    expect(after.data.node.checks.map((c: { task: { id: string } }) => c.task.id)).toContain(checkTask);
    expect(
      (
        await gql(`query($id: ID!) { node(id: $id) { ... on GreenChannelCase { paperwork { task { id } } } } }`, {
          id: opened.data.openGreenChannelCase.case.id,
        })
      ).data.node.paperwork,
    ).toHaveLength(3);
    expect(
      (await gql(`query($id: ID!) { complaint(id: $id) { escalations { task { id } } } }`, { id: complaintId })).data.complaint.escalations.map(
        (e: { task: { id: string } }) => e.task.id,
      ),
    ).toContain(escalationTask);
    expect(await deletedEvents()).toBe(eventsBefore);

    // A task of nothing is deleted.
    const free = await gql(`mutation { createTask(input: { phase: FOLLOW_UP, title: "整理候诊区" }) { ... on TaskPayload { task { id } } } }`);
    const freeId = free.data.createTask.task.id;
    expect((await gql(DELETE, { id: freeId })).data.deleteTask).toEqual({ __typename: 'DeleteTaskPayload', deletedTaskId: freeId });
    expect(await taskExists(freeId)).toBe(false);
    expect(await deletedEvents()).toBe(eventsBefore + 1);
  });
});
