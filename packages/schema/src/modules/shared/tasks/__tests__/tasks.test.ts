// Checklists and tasks through the real gateway: the seeded government checklist (14 + 16 + 4 steps)
// instantiated on a visit with travel, meals and meetings, with due times relative to the visit's
// milestones; idempotent re-instantiation; due times that follow a moved arrival or meal (open tasks
// only); status transitions with their typed errors (each refusal changes nothing and emits nothing);
// overdue and blocked tasks at once; the board; comments and evidence; ad-hoc tasks; roles; tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { L, visitApi, type VisitApi } from '../../visits/__tests__/visits.helpers.ts';

const MIN = 60_000;
const GOV_TEMPLATE = '接待工作清单（政府部门）';

let t: TestApp;
let api: VisitApi;
let a: TestTenant;
let b: TestTenant;
let coordinator: { token: string; membershipId: string; email: string };
let staff: { token: string; membershipId: string; email: string };
let viewer: { token: string; membershipId: string; email: string };
let staffUserId: string;

interface TemplateItem {
  phase: string;
  position: number;
  title: string;
  anchor: string | null;
  offsetMinutes: number;
  mealKind: string | null;
  itineraryKind: string | null;
}
interface Template {
  id: string;
  name: string;
  items: TemplateItem[];
}
interface TaskRow {
  id: string;
  phase: string;
  position: number;
  title: string;
  dueAt: string | null;
  status: string;
  statusReason: string | null;
  anchor: string | null;
  offsetMinutes: number | null;
  version: number;
  overdue: boolean;
  completedAt: string | null;
  completedBy: { id: string; displayName: string } | null;
  assigneeRole: string | null;
}

const TASK_FIELDS = `id phase position title dueAt status statusReason anchor offsetMinutes version overdue completedAt completedBy { id displayName } assigneeRole`;
const TASK_RESULT = `__typename
  ... on TaskPayload { task { ${TASK_FIELDS} } }
  ... on TaskError { code message }
  ... on ValidationError { fieldErrors { path message } }`;

/**
 * A query or mutation that must not fail at the GraphQL level. Messages in English as everywhere in the tests; the
 * readers of templates and tasks below ask for zh-Hans, the language of the checklist's source text (in English the
 * seeded texts read translated: task.languages.test.ts).
 */
async function gql(query: string, variables: Record<string, unknown>, token: string, language = 'en') {
  const res = await t.gql(query, variables, { token, headers: { 'accept-language': language } });
  if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

async function templates(token: string): Promise<Template[]> {
  const data = await gql(`{ checklistTemplates { id name items { phase position title anchor offsetMinutes mealKind itineraryKind } } }`, {}, token, 'zh-Hans');
  return data.checklistTemplates;
}

async function govTemplate(token: string): Promise<Template> {
  const found = (await templates(token)).find((x) => x.name === GOV_TEMPLATE);
  expect(found, 'the seeded government checklist').toBeDefined();
  return found!;
}

async function instantiate(token: string, visitId: string, templateId: string) {
  const data = await gql(
    `mutation($v: ID!, $t: ID!) { instantiateChecklist(input: { visitId: $v, templateId: $t }) {
       __typename
       ... on InstantiateChecklistPayload { visit { id } created { ${TASK_FIELDS} } }
       ... on TaskError { code message } } }`,
    { v: visitId, t: templateId },
    token,
    'zh-Hans',
  );
  return data.instantiateChecklist as { __typename: string; created?: TaskRow[]; code?: string };
}

async function visitTasks(token: string, visitId: string): Promise<TaskRow[]> {
  const data = await gql(
    `query($id: ID!) { node(id: $id) { ... on Visit { tasks(first: 100) { nodes { ${TASK_FIELDS} } } } } }`,
    { id: visitId },
    token,
    'zh-Hans',
  );
  return data.node.tasks.nodes;
}

async function task(token: string, id: string): Promise<TaskRow | null> {
  return (await gql(`query($id: ID!) { node(id: $id) { ... on Task { ${TASK_FIELDS} } } }`, { id }, token, 'zh-Hans')).node;
}

async function setStatus(token: string, id: string, status: string, options: { reason?: string | null; expectedVersion?: number } = {}) {
  const data = await gql(
    `mutation($id: ID!, $s: TaskStatus!, $r: String, $v: Int) { changeTaskStatus(input: { id: $id, status: $s, reason: $r, expectedVersion: $v }) { ${TASK_RESULT} } }`,
    { id, s: status, r: options.reason ?? null, v: options.expectedVersion ?? null },
    token,
  );
  return data.changeTaskStatus as { __typename: string; task?: TaskRow; code?: string; message?: string };
}

async function createTask(token: string, input: Record<string, unknown>) {
  const data = await gql(`mutation($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_RESULT} } }`, { input }, token);
  return data.createTask as { __typename: string; task?: TaskRow; code?: string };
}

async function newTask(token: string, input: Record<string, unknown>): Promise<TaskRow> {
  const res = await createTask(token, { phase: 'RECEPTION', title: unique('任务'), ...input });
  expect(res.__typename, JSON.stringify(res)).toBe('TaskPayload');
  return res.task!;
}

/** The task row and the tenant's event counter, as the database owner sees them. */
async function stateOf(tenantId: string, taskGlobalId: string) {
  const [row] = await ownerQuery(`SELECT status, status_reason, version, completed_at, completed_by_id, due_at, title, updated_at FROM tasks WHERE id = $1`, [
    rawId(taskGlobalId),
  ]);
  const [counter] = await ownerQuery(`SELECT seq FROM tenant_event_counters WHERE tenant_id = $1`, [tenantId]);
  const [events] = await ownerQuery(`SELECT count(*)::int AS n FROM event_log WHERE tenant_id = $1`, [tenantId]);
  const [audit] = await ownerQuery(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [tenantId]);
  return { row, seq: counter?.seq ?? null, events: events.n, audit: audit.n };
}

const at = (iso: string | null) => (iso ? new Date(iso).getTime() : null);
const plus = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * MIN).toISOString();

// The plan of the main visit (local Asia/Shanghai times).
const PLAN = {
  startsAt: L('2030-05-10T09:00'),
  endsAt: L('2030-05-11T17:00'),
  inbound: { departureAt: L('2030-05-10T06:30'), arrivalAt: L('2030-05-10T08:45') },
  outbound: { departureAt: L('2030-05-11T17:30'), arrivalAt: L('2030-05-11T18:30') },
  meetings: [
    { title: '工作座谈会', startsAt: L('2030-05-10T10:00'), endsAt: L('2030-05-10T11:30') },
    { title: '交流会', startsAt: L('2030-05-11T08:30'), endsAt: L('2030-05-11T10:00') },
  ],
  sightseeing: { title: '老城区参观', startsAt: L('2030-05-10T14:00'), endsAt: L('2030-05-10T16:00') },
  siteVisit: { title: '园区考察', startsAt: L('2030-05-11T10:30'), endsAt: L('2030-05-11T11:30') },
  meals: [
    { kind: 'LUNCH', startsAt: L('2030-05-10T12:00'), label: '午餐 05-10 12:00' },
    { kind: 'DINNER', startsAt: L('2030-05-10T18:30'), label: '晚餐 05-10 18:30' },
    { kind: 'BREAKFAST', startsAt: L('2030-05-11T07:30'), label: '早餐 05-11 07:30' },
  ],
};

interface Recorded {
  visitId: string;
  createdAt: string;
  inboundId: string;
  outboundId: string;
  mealIds: Record<string, string>;
}

async function recordPlan(token: string): Promise<Recorded> {
  const visitId = await api.newVisit(token, { startsAt: PLAN.startsAt, endsAt: PLAN.endsAt, purpose: 'WORK_INSPECTION' });
  const inboundId = await api.add(token, 'saveTravelLeg', visitId, { direction: 'INBOUND', mode: 'CAR', origin: '合肥', destination: '南京', ...PLAN.inbound });
  const outboundId = await api.add(token, 'saveTravelLeg', visitId, {
    direction: 'OUTBOUND',
    mode: 'TRAIN',
    origin: '南京南',
    destination: '合肥南',
    ...PLAN.outbound,
  });
  for (const m of PLAN.meetings) await api.add(token, 'saveItineraryItem', visitId, { kind: 'MEETING', ...m });
  await api.add(token, 'saveItineraryItem', visitId, { kind: 'SIGHTSEEING', ...PLAN.sightseeing });
  await api.add(token, 'saveItineraryItem', visitId, { kind: 'SITE_VISIT', ...PLAN.siteVisit });
  const mealIds: Record<string, string> = {};
  for (const m of PLAN.meals) mealIds[m.kind] = await api.add(token, 'saveMeal', visitId, { kind: m.kind, startsAt: m.startsAt, place: '金陵饭店' });
  const createdAt = (await api.read(token, visitId, 'createdAt')).createdAt as string;
  return { visitId, createdAt, inboundId, outboundId, mealIds };
}

/**
 * What the template should produce on the plan, computed here from the plan itself (not with the
 * module's own milestone code): one task per item, or one per matching meal / itinerary item.
 */
function expectedTasks(template: Template, createdAt: string, meals = PLAN.meals) {
  const items = [
    ...PLAN.meetings.map((m) => ({ kind: 'MEETING', ...m })),
    { kind: 'SIGHTSEEING', ...PLAN.sightseeing },
    { kind: 'SITE_VISIT', ...PLAN.siteVisit },
  ];
  const single: Record<string, string> = {
    VISIT_REQUESTED: createdAt,
    VISIT_START: PLAN.startsAt,
    VISIT_END: PLAN.endsAt,
    ARRIVAL: PLAN.inbound.arrivalAt,
    DEPARTURE: PLAN.outbound.departureAt,
    RETURN_HOME: PLAN.outbound.arrivalAt,
  };
  const out: { phase: string; title: string; dueAt: string | null }[] = [];
  for (const item of template.items) {
    if (item.anchor === 'EACH_MEAL') {
      for (const m of meals.filter((x) => !item.mealKind || x.kind === item.mealKind)) {
        out.push({ phase: item.phase, title: `${item.title}（${m.label}）`, dueAt: plus(m.startsAt, item.offsetMinutes) });
      }
    } else if (item.anchor === 'EACH_ITINERARY_ITEM') {
      for (const i of items.filter((x) => !item.itineraryKind || x.kind === item.itineraryKind)) {
        out.push({ phase: item.phase, title: `${item.title}（${i.title}）`, dueAt: plus(i.startsAt, item.offsetMinutes) });
      }
    } else {
      out.push({ phase: item.phase, title: item.title, dueAt: item.anchor ? plus(single[item.anchor]!, item.offsetMinutes) : null });
    }
  }
  return out;
}

const key = (x: { phase: string; title: string; dueAt: string | null }) => `${x.phase}|${x.title}|${at(x.dueAt)}`;
const byTitle = (tasks: TaskRow[], start: string) => {
  const found = tasks.filter((x) => x.title.startsWith(start));
  expect(found.length, `tasks titled "${start}…"`).toBeGreaterThan(0);
  return found;
};
const one = (tasks: TaskRow[], start: string) => {
  const found = byTitle(tasks, start);
  expect(found, `exactly one task titled "${start}…"`).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  const platform = await createPlatformAdmin(t);
  [a, b] = await Promise.all([createTenant(t, platform.token, 'GOVERNMENT_OFFICE'), createTenant(t, platform.token, 'GOVERNMENT_OFFICE')]);
  [coordinator, staff, viewer] = await Promise.all([a.member(['COORDINATOR']), a.member(['STAFF']), a.member(['VIEWER'])]);
  staffUserId = (await gql(`{ viewer { id } }`, {}, staff.token)).viewer.id;
});
afterAll(() => t?.close());

describe('the seeded government checklist on a visit', () => {
  let plan: Recorded;
  let template: Template;
  let tasks: TaskRow[];

  it('a government tenant starts with "接待工作清单（政府部门）": 14 preparation, 16 reception and 4 follow-up steps', async () => {
    template = await govTemplate(a.adminToken);
    const count = (phase: string) => template.items.filter((i) => i.phase === phase).length;
    expect([count('PREPARATION'), count('RECEPTION'), count('FOLLOW_UP')]).toEqual([14, 16, 4]);
    expect(template.items.map((i) => i.position)).toEqual(template.items.map((_, i) => i + 1));
    expect(template.items.find((i) => i.title.startsWith('接待领导和相关人员提前15分钟'))).toMatchObject({ anchor: 'ARRIVAL', offsetMinutes: -15 });
    expect(template.items.find((i) => i.title.startsWith('预计来宾已到家时'))).toMatchObject({ anchor: 'RETURN_HOME', offsetMinutes: 60 });
  });

  it('instantiating creates 14 preparation, one reception task per step and per matching meal or meeting, and 4 follow-up tasks, with due times from the milestones', async () => {
    plan = await recordPlan(coordinator.token);
    const res = await instantiate(coordinator.token, plan.visitId, template.id);
    expect(res.__typename, JSON.stringify(res)).toBe('InstantiateChecklistPayload');
    tasks = await visitTasks(coordinator.token, plan.visitId);
    expect(res.created!.map((x) => x.id).sort()).toEqual(tasks.map((x) => x.id).sort());

    // 10 single reception steps + 2 per meeting (2) + 2 per meal (3) + 1 per dinner (1) + 1 per sightseeing (1).
    const phases = (phase: string) => tasks.filter((x) => x.phase === phase).length;
    expect([phases('PREPARATION'), phases('RECEPTION'), phases('FOLLOW_UP')]).toEqual([14, 10 + 4 + 6 + 1 + 1, 4]);
    expect(tasks).toHaveLength(40);

    // Every task exactly as the template and the plan say (title, phase, due time).
    expect(tasks.map(key).sort()).toEqual(expectedTasks(template, plan.createdAt).map(key).sort());
    for (const x of tasks) expect(x).toMatchObject({ status: 'TODO', version: 1, statusReason: null, completedAt: null, overdue: false });

    // The text's examples.
    expect(at(one(tasks, '接待领导和相关人员提前15分钟').dueAt)).toBe(at(L('2030-05-10T08:30'))); // arrival − 15 min
    expect(one(tasks, '接待领导和相关人员提前15分钟')).toMatchObject({ anchor: 'ARRIVAL', offsetMinutes: -15, assigneeRole: 'COORDINATOR' });
    expect(at(one(tasks, '预计来宾已到家时').dueAt)).toBe(at(L('2030-05-11T19:30'))); // return home + 60 min
    const breakfast = tasks.filter((x) => x.title.startsWith('就餐准备') && x.title.endsWith('（早餐 05-11 07:30）'));
    expect(breakfast).toHaveLength(1);
    expect(at(breakfast[0]!.dueAt)).toBe(at(L('2030-05-11T07:15'))); // breakfast − 15 min
    expect(byTitle(tasks, '就餐准备')).toHaveLength(3); // one per meal
    expect(byTitle(tasks, '晚餐后适当安排文化娱乐节目').map((x) => [x.title, at(x.dueAt)])).toEqual([
      ['晚餐后适当安排文化娱乐节目（晚餐 05-10 18:30）', at(L('2030-05-10T20:00'))], // dinners only
    ]);
    expect(
      byTitle(tasks, '组织活动')
        .map((x) => at(x.dueAt))
        .sort(),
    ).toEqual([at(L('2030-05-10T09:00')), at(L('2030-05-11T07:30'))]); // meetings − 1 h
    expect(byTitle(tasks, '景点参观').map((x) => x.title)).toEqual(['景点参观：准备相机，指定专人为来宾拍照（老城区参观）']); // not the site visit
    expect(at(one(tasks, '详细询问来访的主要目的').dueAt)).toBe(at(plan.createdAt)! + 60 * MIN); // requested + 1 h
    expect(at(one(tasks, '根据领导指示做好会议总结').dueAt)).toBe(at(PLAN.endsAt)! + 24 * 60 * MIN); // visit end + 1 day

    // The board lists them by phase (preparation first), each phase in template order.
    const board = (await api.read(coordinator.token, plan.visitId, 'taskBoard { total done progress phases { phase total done } }')).taskBoard;
    expect(board).toEqual({
      total: 40,
      done: 0,
      progress: 0,
      phases: [
        { phase: 'PREPARATION', total: 14, done: 0 },
        { phase: 'RECEPTION', total: 22, done: 0 },
        { phase: 'FOLLOW_UP', total: 4, done: 0 },
      ],
    });
  });

  it("instantiating again adds nothing; after a meal is added, only that meal's tasks are added", async () => {
    const before = await stateOf(a.id, tasks[0]!.id);
    const again = await instantiate(coordinator.token, plan.visitId, template.id);
    expect(again).toMatchObject({ __typename: 'InstantiateChecklistPayload', created: [] });
    expect(await visitTasks(coordinator.token, plan.visitId)).toHaveLength(40);
    const after = await stateOf(a.id, tasks[0]!.id);
    expect(after.seq).toBe(before.seq); // no task events either

    const banquetAt = L('2030-05-11T12:00');
    await api.add(coordinator.token, 'saveMeal', plan.visitId, { kind: 'BANQUET', startsAt: banquetAt, place: '国宾馆' });
    const added = await instantiate(coordinator.token, plan.visitId, template.id);
    expect(added.__typename).toBe('InstantiateChecklistPayload');
    // The two per-meal steps (not the after-dinner one: a banquet is not a dinner).
    expect(added.created!.map((x) => [x.title, at(x.dueAt)]).sort()).toEqual(
      [
        ['安排菜单兼顾宗教、地方、职业、个人饮食禁忌，尤其重视主宾的禁忌（宴请 05-11 12:00）', at(banquetAt)! - 24 * 60 * MIN],
        [`${template.items.find((i) => i.title.startsWith('就餐准备'))!.title}（宴请 05-11 12:00）`, at(banquetAt)! - 15 * MIN],
      ].sort(),
    );
    tasks = await visitTasks(coordinator.token, plan.visitId);
    expect(tasks).toHaveLength(42);
    expect((await instantiate(coordinator.token, plan.visitId, template.id)).created).toEqual([]);
  });

  it('a later arrival (saveTravelLeg) and a live expected arrival (updateTravelProgress) move the open arrival tasks, not the done or skipped ones', async () => {
    const arrival = tasks.filter((x) => x.anchor === 'ARRIVAL');
    expect(arrival.length).toBe(9 + 5); // 9 preparation steps before arrival, 5 reception steps around it
    const greet = one(tasks, '接待领导和相关人员提前15分钟');
    const done = one(tasks, '安排与客人身份、职务相当的人员迎接');
    const skipped = one(tasks, '来访事项重要的，联系媒体');
    const blocked = one(tasks, '将客人引送到房间');
    const manual = one(tasks, '与来宾商议活动日程');
    expect((await setStatus(staff.token, done.id, 'DONE')).__typename).toBe('TaskPayload');
    expect((await setStatus(staff.token, skipped.id, 'SKIPPED', { reason: '不涉及宣传' })).__typename).toBe('TaskPayload');
    expect((await setStatus(staff.token, blocked.id, 'BLOCKED', { reason: '房间未确认' })).__typename).toBe('TaskPayload');
    // A due time set by hand detaches the task from its milestone.
    const manualAt = L('2030-05-10T13:00');
    const updated = await gql(
      `mutation($id: ID!, $d: DateTime) { updateTask(input: { id: $id, dueAt: $d }) { ${TASK_RESULT} } }`,
      { id: manual.id, d: manualAt },
      coordinator.token,
    );
    expect(updated.updateTask.task).toMatchObject({ anchor: null, offsetMinutes: null, dueAt: new Date(manualAt).toISOString() });

    const snapshot = new Map((await visitTasks(coordinator.token, plan.visitId)).map((x) => [x.id, x]));
    const check = async (arrivalAt: string) => {
      const now = new Map((await visitTasks(coordinator.token, plan.visitId)).map((x) => [x.id, x]));
      for (const [id, before] of snapshot) {
        const after = now.get(id)!;
        const follows = before.anchor === 'ARRIVAL' && id !== done.id && id !== skipped.id;
        if (follows) {
          expect(at(after.dueAt), after.title).toBe(at(arrivalAt)! + before.offsetMinutes! * MIN);
        } else {
          expect([after.title, at(after.dueAt)]).toEqual([before.title, at(before.dueAt)]);
        }
      }
      return now;
    };

    // The car will arrive an hour later than planned.
    const later = L('2030-05-10T09:45');
    const saved = await api.save(coordinator.token, 'saveTravelLeg', plan.visitId, {
      id: plan.inboundId,
      direction: 'INBOUND',
      mode: 'CAR',
      origin: '合肥',
      destination: '南京',
      departureAt: PLAN.inbound.departureAt,
      arrivalAt: later,
    });
    expect(saved.__typename, JSON.stringify(saved)).toBe('VisitPayload');
    let now = await check(later);
    expect(at(now.get(greet.id)!.dueAt)).toBe(at(L('2030-05-10T09:30')));
    expect(now.get(greet.id)!.version).toBe(greet.version + 1);
    expect(now.get(blocked.id)).toMatchObject({ status: 'BLOCKED', dueAt: new Date(plus(later, 30)).toISOString() }); // blocked is still open
    expect(at(now.get(done.id)!.dueAt)).toBe(at(PLAN.inbound.arrivalAt));
    expect(at(now.get(manual.id)!.dueAt)).toBe(at(manualAt));

    // On the road: the driver reports they are now expected at 10:15.
    const live = L('2030-05-10T10:15');
    const progress = await gql(
      `mutation($leg: ID!, $e: DateTime) { updateTravelProgress(input: { legId: $leg, expectedArrivalAt: $e }) { __typename } }`,
      { leg: plan.inboundId, e: live },
      staff.token,
    );
    expect(progress.updateTravelProgress.__typename).toBe('VisitPayload');
    now = await check(live);
    expect(at(now.get(greet.id)!.dueAt)).toBe(at(L('2030-05-10T10:00')));
    expect(now.get(done.id)).toMatchObject({ status: 'DONE' });
    expect(at(now.get(done.id)!.dueAt)).toBe(at(PLAN.inbound.arrivalAt));
    expect(at(now.get(skipped.id)!.dueAt)).toBe(at(snapshot.get(skipped.id)!.dueAt));

    // Each move is an UPDATED task event carrying the before and after.
    const events = await ownerQuery<{ change: { dueAt?: { before: string; after: string } } }>(
      `SELECT payload->'change' AS change FROM event_log WHERE tenant_id = $1 AND topic = 'task' AND type = 'UPDATED' AND payload->'task'->>'id' = $2 ORDER BY seq`,
      [a.id, rawId(greet.id)],
    );
    expect(events.map((e) => [at(e.change.dueAt!.before), at(e.change.dueAt!.after)])).toEqual([
      [at(L('2030-05-10T08:30')), at(L('2030-05-10T09:30'))],
      [at(L('2030-05-10T09:30')), at(L('2030-05-10T10:00'))],
    ]);
  });

  it('moving a meal moves its tasks (and no others)', async () => {
    const before = await visitTasks(coordinator.token, plan.visitId);
    const breakfastTasks = before.filter((x) => x.title.includes('早餐 05-11 07:30'));
    expect(breakfastTasks).toHaveLength(2);
    const saved = await api.save(coordinator.token, 'saveMeal', plan.visitId, {
      id: plan.mealIds.BREAKFAST,
      kind: 'BREAKFAST',
      startsAt: L('2030-05-11T08:00'),
      place: '金陵饭店',
    });
    expect(saved.__typename, JSON.stringify(saved)).toBe('VisitPayload');
    const after = new Map((await visitTasks(coordinator.token, plan.visitId)).map((x) => [x.id, x]));
    for (const x of before) {
      const moved = breakfastTasks.some((bt) => bt.id === x.id);
      expect(at(after.get(x.id)!.dueAt), x.title).toBe(at(x.dueAt)! + (moved ? 30 * MIN : 0));
    }
    expect(at(after.get(breakfastTasks.find((x) => x.title.startsWith('就餐准备'))!.id)!.dueAt)).toBe(at(L('2030-05-11T07:45')));
  });
});

describe('status changes', () => {
  let visitId: string;

  beforeAll(async () => {
    visitId = await api.newVisit(coordinator.token);
  });

  it('TODO → IN_PROGRESS → DONE sets completedAt and completedBy; reopening clears them; BLOCKED and SKIPPED keep their reason', async () => {
    const x = await newTask(coordinator.token, { visitId, dueAt: L('2030-05-10T08:00') });
    expect(x).toMatchObject({ status: 'TODO', version: 1, completedAt: null, completedBy: null });

    const started = await setStatus(staff.token, x.id, 'IN_PROGRESS', { expectedVersion: 1 });
    expect(started.task).toMatchObject({ status: 'IN_PROGRESS', version: 2 });
    const before = Date.now();
    const done = await setStatus(staff.token, x.id, 'DONE', { expectedVersion: 2 });
    expect(done.task).toMatchObject({ status: 'DONE', version: 3, completedBy: { id: staffUserId, displayName: 'Member' }, statusReason: null });
    expect(at(done.task!.completedAt)).toBeGreaterThanOrEqual(before - 5_000);
    const reopened = await setStatus(coordinator.token, x.id, 'TODO', { expectedVersion: 3 });
    expect(reopened.task).toMatchObject({ status: 'TODO', version: 4, completedAt: null, completedBy: null });

    const blocked = await setStatus(staff.token, x.id, 'BLOCKED', { reason: '  车辆未落实  ' });
    expect(blocked.task).toMatchObject({ status: 'BLOCKED', statusReason: '车辆未落实', version: 5 });
    const unblocked = await setStatus(staff.token, x.id, 'IN_PROGRESS');
    expect(unblocked.task).toMatchObject({ status: 'IN_PROGRESS', statusReason: null, version: 6 });
    const skipped = await setStatus(staff.token, x.id, 'SKIPPED', { reason: '来宾取消' });
    expect(skipped.task).toMatchObject({ status: 'SKIPPED', statusReason: '来宾取消', completedAt: null });
    expect((await setStatus(staff.token, x.id, 'TODO')).task).toMatchObject({ status: 'TODO', statusReason: null });

    // Each change is one STATUS_CHANGED event with from and to.
    const events = await ownerQuery<{ type: string; change: { from: string; to: string } }>(
      `SELECT type, payload->'change' AS change FROM event_log WHERE tenant_id = $1 AND payload->'task'->>'id' = $2 ORDER BY seq`,
      [a.id, rawId(x.id)],
    );
    expect(events.map((e) => (e.type === 'CREATED' ? 'CREATED' : `${e.change.from}→${e.change.to}`))).toEqual([
      'CREATED',
      'TODO→IN_PROGRESS',
      'IN_PROGRESS→DONE',
      'DONE→TODO',
      'TODO→BLOCKED',
      'BLOCKED→IN_PROGRESS',
      'IN_PROGRESS→SKIPPED',
      'SKIPPED→TODO',
    ]);
  });

  it('refusals are TaskErrors (ILLEGAL_TRANSITION, REASON_REQUIRED, CONFLICT, NOT_FOUND) and change nothing, emit nothing', async () => {
    const x = await newTask(coordinator.token, { visitId });
    const done = await setStatus(staff.token, x.id, 'DONE');
    expect(done.task).toMatchObject({ status: 'DONE', version: 2 });
    const y = await newTask(coordinator.token, { visitId });
    const bTask = await newTask(b.adminToken, { phase: 'PREPARATION', title: 'B 的任务' });

    const refusals: [string, string, Record<string, unknown>, string][] = [
      [x.id, 'BLOCKED', { reason: '等等' }, 'ILLEGAL_TRANSITION'], // DONE → BLOCKED
      [x.id, 'IN_PROGRESS', {}, 'ILLEGAL_TRANSITION'],
      [x.id, 'SKIPPED', { reason: '不需要' }, 'ILLEGAL_TRANSITION'],
      [x.id, 'DONE', {}, 'ILLEGAL_TRANSITION'],
      [y.id, 'TODO', {}, 'ILLEGAL_TRANSITION'],
      [y.id, 'BLOCKED', {}, 'REASON_REQUIRED'],
      [y.id, 'BLOCKED', { reason: '   ' }, 'REASON_REQUIRED'],
      [y.id, 'SKIPPED', {}, 'REASON_REQUIRED'],
      [y.id, 'DONE', { expectedVersion: 7 }, 'CONFLICT'],
      [x.id, 'TODO', { expectedVersion: 1 }, 'CONFLICT'], // stale: it is at version 2
      [bTask.id, 'DONE', {}, 'NOT_FOUND'], // another tenant's task
    ];
    for (const [id, status, options, code] of refusals) {
      const before = [await stateOf(a.id, id), await stateOf(b.id, id)];
      const res = await setStatus(staff.token, id, status, options);
      expect(res, `${status} ${JSON.stringify(options)}`).toMatchObject({ __typename: 'TaskError', code });
      expect([await stateOf(a.id, id), await stateOf(b.id, id)], `${status} ${JSON.stringify(options)} changed something`).toEqual(before);
    }
    // Updating and deleting another tenant's task are refused the same way.
    const [bBefore] = await ownerQuery(`SELECT * FROM tasks WHERE id = $1`, [rawId(bTask.id)]);
    const upd = await gql(`mutation($id: ID!) { updateTask(input: { id: $id, title: "劫持" }) { ${TASK_RESULT} } }`, { id: bTask.id }, coordinator.token);
    expect(upd.updateTask).toMatchObject({ __typename: 'TaskError', code: 'NOT_FOUND' });
    const del = await gql(
      `mutation($id: ID!) { deleteTask(input: { id: $id }) { __typename ... on TaskError { code } } }`,
      { id: bTask.id },
      coordinator.token,
    );
    expect(del.deleteTask).toMatchObject({ __typename: 'TaskError', code: 'NOT_FOUND' });
    expect(await ownerQuery(`SELECT * FROM tasks WHERE id = $1`, [rawId(bTask.id)])).toEqual([bBefore]);
    // A stale update is a CONFLICT too.
    const stale = await gql(
      `mutation($id: ID!) { updateTask(input: { id: $id, expectedVersion: 1, title: "改名" }) { ${TASK_RESULT} } }`,
      { id: x.id },
      coordinator.token,
    );
    expect(stale.updateTask).toMatchObject({ __typename: 'TaskError', code: 'CONFLICT' });
    expect((await task(coordinator.token, x.id))!.title).toBe(x.title);
  });

  it('STAFF may change a status and comment but not create templates, tasks or checklists; VIEWER may only read', async () => {
    const x = await newTask(coordinator.token, { visitId });
    const template = await govTemplate(a.adminToken);
    const templateInput = { name: unique('清单'), items: [{ phase: 'PREPARATION', title: '一步' }] };
    const attempts: [string, string, Record<string, unknown>][] = [
      ['createChecklistTemplate', `mutation($i: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $i) { __typename } }`, { i: templateInput }],
      ['createTask', `mutation($i: CreateTaskInput!) { createTask(input: $i) { __typename } }`, { i: { visitId, phase: 'RECEPTION', title: '越权' } }],
      [
        'instantiateChecklist',
        `mutation($v: ID!, $t: ID!) { instantiateChecklist(input: { visitId: $v, templateId: $t }) { __typename } }`,
        { v: visitId, t: template.id },
      ],
      ['deleteTask', `mutation($id: ID!) { deleteTask(input: { id: $id }) { __typename } }`, { id: x.id }],
      ['updateTask', `mutation($id: ID!) { updateTask(input: { id: $id, title: "x" }) { __typename } }`, { id: x.id }],
    ];
    const before = await stateOf(a.id, x.id);
    for (const [name, query, variables] of attempts) {
      for (const token of [staff.token, viewer.token]) {
        const res = await t.gql(query, variables, { token });
        expect(res.errors, name).toBeUndefined();
        expect(res.data[name].__typename, `${name}: ${JSON.stringify(res)}`).toBe('ForbiddenError');
      }
    }
    // Even the coordinator cannot design templates (tenant admins do).
    const coord = await t.gql(attempts[0]![1], attempts[0]![2], { token: coordinator.token });
    expect(coord.errors).toBeUndefined();
    expect(coord.data.createChecklistTemplate.__typename).toBe('ForbiddenError');
    expect(await stateOf(a.id, x.id)).toEqual(before);
    expect((await templates(a.adminToken)).map((tpl) => tpl.name)).not.toContain(templateInput.name);

    // VIEWER can read but not change a status or comment.
    expect((await task(viewer.token, x.id))!.id).toBe(x.id);
    for (const query of [
      `mutation($id: ID!) { changeTaskStatus(input: { id: $id, status: IN_PROGRESS }) { __typename } }`,
      `mutation($id: ID!) { addTaskComment(input: { id: $id, body: "看过" }) { __typename } }`,
    ]) {
      const res = await t.gql(query, { id: x.id }, { token: viewer.token });
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data as Record<string, { __typename: string }>)[0]!.__typename).toBe('ForbiddenError');
    }
    expect(await stateOf(a.id, x.id)).toEqual(before);
    expect((await setStatus(staff.token, x.id, 'IN_PROGRESS')).task).toMatchObject({ status: 'IN_PROGRESS' });

    // The tenant admin designs a template; the same name again is NAME_TAKEN.
    const created = await gql(
      `mutation($i: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $i) { __typename
         ... on ChecklistTemplatePayload { template { id name items { title phase position offsetMinutes anchor } } } ... on TaskError { code } } }`,
      { i: templateInput },
      a.adminToken,
    );
    expect(created.createChecklistTemplate.template).toMatchObject({
      name: templateInput.name,
      items: [{ title: '一步', phase: 'PREPARATION', position: 1, offsetMinutes: 0, anchor: null }],
    });
    const dup = await gql(
      `mutation($i: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $i) { __typename ... on TaskError { code } } }`,
      { i: templateInput },
      a.adminToken,
    );
    expect(dup.createChecklistTemplate).toEqual({ __typename: 'TaskError', code: 'NAME_TAKEN' });
    // A meal kind is only allowed with EACH_MEAL.
    const invalid = await gql(
      `mutation($i: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $i) { __typename ... on ValidationError { fieldErrors { path } } } }`,
      { i: { name: unique('坏清单'), items: [{ phase: 'RECEPTION', title: '错', anchor: 'ARRIVAL', mealKind: 'DINNER' }] } },
      a.adminToken,
    );
    expect(invalid.createChecklistTemplate.__typename).toBe('ValidationError');
  });
});

describe('overdue and blocked at once, and the board', () => {
  it('tasks(filter: { overdue: true }) and { status: [BLOCKED] } per visit and tenant-wide; the board counts and progress', async () => {
    const visitId = await api.newVisit(coordinator.token);
    const otherVisitId = await api.newVisit(coordinator.token);
    const past = new Date(Date.now() - 60 * MIN).toISOString();
    const future = new Date(Date.now() + 24 * 60 * MIN).toISOString();
    const p1 = await newTask(coordinator.token, { visitId, phase: 'PREPARATION', title: '逾期未办', dueAt: past });
    const p2 = await newTask(coordinator.token, { visitId, phase: 'PREPARATION', title: '逾期已办', dueAt: past });
    const p3 = await newTask(coordinator.token, { visitId, phase: 'RECEPTION', title: '未到期', dueAt: future });
    const p4 = await newTask(coordinator.token, { visitId, phase: 'RECEPTION', title: '受阻无期限' });
    const p5 = await newTask(coordinator.token, { visitId, phase: 'RECEPTION', title: '受阻且逾期', dueAt: past });
    const p6 = await newTask(coordinator.token, { visitId, phase: 'FOLLOW_UP', title: '已跳过', dueAt: past });
    const p7 = await newTask(coordinator.token, { visitId, phase: 'FOLLOW_UP', title: '进行中逾期', dueAt: past });
    const elsewhere = await newTask(coordinator.token, { visitId: otherVisitId, phase: 'RECEPTION', title: '别的来访逾期', dueAt: past });
    const tenantWide = await newTask(coordinator.token, { phase: 'FOLLOW_UP', title: '投诉回访（无来访）', dueAt: past });
    const bOverdue = await newTask(b.adminToken, { phase: 'FOLLOW_UP', title: 'B 逾期', dueAt: past });
    await setStatus(staff.token, p2.id, 'DONE');
    await setStatus(staff.token, p4.id, 'BLOCKED', { reason: '等待批准' });
    await setStatus(staff.token, p5.id, 'BLOCKED', { reason: '车辆故障' });
    await setStatus(staff.token, p6.id, 'SKIPPED', { reason: '取消' });
    await setStatus(staff.token, p7.id, 'IN_PROGRESS');

    const ATTENTION = `query($v: ID) {
      overdue: tasks(first: 100, filter: { visitId: $v, overdue: true }) { totalCount edges { node { id overdue status } } }
      blocked: tasks(first: 100, filter: { visitId: $v, status: [BLOCKED] }) { totalCount edges { node { id overdue status statusReason } } }
      onTime: tasks(first: 100, filter: { visitId: $v, overdue: false }) { totalCount edges { node { id } } }
    }`;
    const ids = (conn: { edges: { node: { id: string } }[] }) => conn.edges.map((e) => e.node.id).sort();
    const perVisit = await gql(ATTENTION, { v: visitId }, viewer.token);
    expect(ids(perVisit.overdue)).toEqual([p1.id, p5.id, p7.id].sort());
    expect(perVisit.overdue.totalCount).toBe(3);
    expect(perVisit.overdue.edges.every((e: { node: { overdue: boolean } }) => e.node.overdue)).toBe(true);
    expect(ids(perVisit.blocked)).toEqual([p4.id, p5.id].sort());
    expect(perVisit.blocked.edges.map((e: { node: { statusReason: string } }) => e.node.statusReason).sort()).toEqual(['等待批准', '车辆故障'].sort());
    expect(ids(perVisit.onTime)).toEqual([p2.id, p3.id, p4.id, p6.id].sort());

    const tenant = await gql(ATTENTION, { v: null }, viewer.token);
    const overdueIds = ids(tenant.overdue);
    for (const id of [p1.id, p5.id, p7.id, elsewhere.id, tenantWide.id]) expect(overdueIds).toContain(id);
    for (const id of [p2.id, p3.id, p4.id, p6.id, bOverdue.id]) expect(overdueIds).not.toContain(id);
    expect(tenant.overdue.totalCount).toBe(overdueIds.length);
    expect(tenant.overdue.edges.every((e: { node: { overdue: boolean } }) => e.node.overdue)).toBe(true);
    expect(ids(tenant.blocked)).toEqual(expect.arrayContaining([p4.id, p5.id]));
    expect(tenant.blocked.edges.every((e: { node: { status: string } }) => e.node.status === 'BLOCKED')).toBe(true);
    // Overdue and blocked combined: what needs attention now.
    const both = await gql(`{ tasks(first: 100, filter: { overdue: true, status: [BLOCKED] }) { edges { node { id } } } }`, {}, viewer.token);
    expect(ids(both.tasks)).toContain(p5.id);
    expect(ids(both.tasks)).not.toContain(p4.id);
    expect(ids(both.tasks)).not.toContain(p1.id);
    // Tenant B sees only its own.
    const bView = await gql(ATTENTION, { v: null }, b.adminToken);
    expect(ids(bView.overdue)).toEqual([bOverdue.id]);
    const bOfA = await gql(ATTENTION, { v: visitId }, b.adminToken);
    expect([bOfA.overdue.totalCount, bOfA.blocked.totalCount, bOfA.onTime.totalCount]).toEqual([0, 0, 0]);

    // The board: by phase and status, with counts and progress.
    const board = (
      await api.read(
        viewer.token,
        visitId,
        `taskBoard { total done skipped overdue blocked progress phases { phase total done columns { status count tasks { nodes { id } } } } }`,
      )
    ).taskBoard;
    expect(board).toMatchObject({ total: 7, done: 1, skipped: 1, overdue: 3, blocked: 2, progress: 0.286 }); // (1 + 1) / 7
    const column = (phase: string, status: string) =>
      board.phases.find((p: { phase: string }) => p.phase === phase).columns.find((c: { status: string }) => c.status === status);
    expect(board.phases.map((p: { phase: string; total: number; done: number }) => [p.phase, p.total, p.done])).toEqual([
      ['PREPARATION', 2, 1],
      ['RECEPTION', 3, 0],
      ['FOLLOW_UP', 2, 1],
    ]);
    for (const p of board.phases) expect(p.columns.map((c: { status: string }) => c.status)).toEqual(['TODO', 'IN_PROGRESS', 'DONE', 'BLOCKED', 'SKIPPED']);
    expect(column('PREPARATION', 'TODO')).toEqual({ status: 'TODO', count: 1, tasks: { nodes: [{ id: p1.id }] } });
    expect(column('PREPARATION', 'DONE')).toEqual({ status: 'DONE', count: 1, tasks: { nodes: [{ id: p2.id }] } });
    expect(column('RECEPTION', 'TODO')).toEqual({ status: 'TODO', count: 1, tasks: { nodes: [{ id: p3.id }] } });
    expect(
      column('RECEPTION', 'BLOCKED')
        .tasks.nodes.map((x: { id: string }) => x.id)
        .sort(),
    ).toEqual([p4.id, p5.id].sort());
    expect(column('FOLLOW_UP', 'SKIPPED')).toEqual({ status: 'SKIPPED', count: 1, tasks: { nodes: [{ id: p6.id }] } });
    expect(column('FOLLOW_UP', 'IN_PROGRESS')).toEqual({ status: 'IN_PROGRESS', count: 1, tasks: { nodes: [{ id: p7.id }] } });

    // Finishing everything: progress 1, nothing overdue or blocked.
    for (const x of [p1, p3, p7]) await setStatus(staff.token, x.id, 'DONE');
    for (const x of [p4, p5]) await setStatus(staff.token, x.id, 'SKIPPED', { reason: '不再需要' });
    const finished = (await api.read(viewer.token, visitId, 'taskBoard { total done skipped overdue blocked progress }')).taskBoard;
    expect(finished).toEqual({ total: 7, done: 4, skipped: 3, overdue: 0, blocked: 0, progress: 1 });
    expect((await gql(ATTENTION, { v: visitId }, viewer.token)).overdue.totalCount).toBe(0);
  });
});

describe('comments, evidence and ad-hoc tasks', () => {
  it('staff comment and attach evidence; the task lists them in order with their author', async () => {
    const visitId = await api.newVisit(coordinator.token);
    const x = await newTask(coordinator.token, { visitId, title: '检查车辆' });
    const comment = async (token: string, id: string, body: string) =>
      (await gql(`mutation($id: ID!, $b: String!) { addTaskComment(input: { id: $id, body: $b }) { ${TASK_RESULT} } }`, { id, b: body }, token)).addTaskComment;
    const evidence = async (token: string, id: string, kind: string, reference: string, note?: string) =>
      (
        await gql(
          `mutation($id: ID!, $k: EvidenceKind!, $r: String!, $n: String) { addTaskEvidence(input: { id: $id, kind: $k, reference: $r, note: $n }) { ${TASK_RESULT} } }`,
          { id, k: kind, r: reference, n: note ?? null },
          token,
        )
      ).addTaskEvidence;

    expect((await comment(staff.token, x.id, '  已检查刹车  ')).__typename).toBe('TaskPayload');
    expect((await comment(coordinator.token, x.id, '请加满油')).__typename).toBe('TaskPayload');
    expect((await evidence(staff.token, x.id, 'PHOTO', 's3://jiedai/photos/car-1.jpg', '车辆外观')).__typename).toBe('TaskPayload');
    expect((await evidence(staff.token, x.id, 'LINK', 'https://example.test/checklist')).__typename).toBe('TaskPayload');
    // Refusals: an empty comment, an empty reference, another tenant's task.
    expect((await comment(staff.token, x.id, '   ')).__typename).toBe('ValidationError');
    expect((await evidence(staff.token, x.id, 'FILE', ' ')).__typename).toBe('ValidationError');
    expect(await comment(b.adminToken, x.id, '偷看')).toMatchObject({ __typename: 'TaskError', code: 'NOT_FOUND' });
    expect(await evidence(b.adminToken, x.id, 'PHOTO', 'x')).toMatchObject({ __typename: 'TaskError', code: 'NOT_FOUND' });

    const read = await gql(
      `query($id: ID!) { node(id: $id) { ... on Task { version comments { body author { id } createdAt } evidence { kind reference note } } } }`,
      { id: x.id },
      viewer.token,
    );
    expect(read.node.comments.map((c: { body: string; author: { id: string } }) => [c.body, c.author.id])).toEqual([
      ['已检查刹车', staffUserId],
      ['请加满油', (await gql(`{ viewer { id } }`, {}, coordinator.token)).viewer.id],
    ]);
    expect(read.node.evidence).toEqual([
      { kind: 'PHOTO', reference: 's3://jiedai/photos/car-1.jpg', note: '车辆外观' },
      { kind: 'LINK', reference: 'https://example.test/checklist', note: null },
    ]);
    // Each comment and piece of evidence is an UPDATED event of the task (so boards refresh).
    const events = await ownerQuery<{ type: string; change: Record<string, string> }>(
      `SELECT type, payload->'change' AS change FROM event_log WHERE tenant_id = $1 AND payload->'task'->>'id' = $2 ORDER BY seq`,
      [a.id, rawId(x.id)],
    );
    expect(events.map((e) => [e.type, Object.keys(e.change ?? {})])).toEqual([
      ['CREATED', []],
      ['UPDATED', ['commentId']],
      ['UPDATED', ['commentId']],
      ['UPDATED', ['evidenceId']],
      ['UPDATED', ['evidenceId']],
    ]);
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM task_comments WHERE task_id = $1`, [rawId(x.id)])).toEqual([{ n: 2 }]);
  });

  it('ad-hoc tasks: on a visit or tenant-wide, assigned to a member or a role; updated, detached and deleted', async () => {
    const visitId = await api.newVisit(coordinator.token);
    const assigned = await gql(
      `mutation($i: CreateTaskInput!) { createTask(input: $i) { __typename ... on TaskPayload { task { id title description phase position assignee { id } assigneeRole visit { id } dueAt anchor } } } }`,
      {
        i: {
          visitId,
          phase: 'RECEPTION',
          title: '  准备欢迎横幅  ',
          description: '红底黄字',
          assigneeMembershipId: staff.membershipId,
          assigneeRole: 'STAFF',
          dueAt: L('2030-05-10T08:00'),
        },
      },
      coordinator.token,
    );
    const x = assigned.createTask.task;
    expect(x).toMatchObject({
      title: '准备欢迎横幅',
      description: '红底黄字',
      phase: 'RECEPTION',
      assignee: { id: staff.membershipId },
      assigneeRole: 'STAFF',
      visit: { id: visitId },
      dueAt: '2030-05-10T00:00:00.000Z',
      anchor: null,
    });
    const wide = await newTask(coordinator.token, { phase: 'FOLLOW_UP', title: '季度回访' });
    expect((await gql(`query($id: ID!) { node(id: $id) { ... on Task { visit { id } } } }`, { id: wide.id }, coordinator.token)).node.visit).toBeNull();

    // References into another tenant are refused.
    const [bMember] = await Promise.all([b.member(['STAFF'])]);
    const bVisit = await api.newVisit(b.adminToken);
    expect(await createTask(coordinator.token, { phase: 'RECEPTION', title: 'x', assigneeMembershipId: bMember.membershipId })).toMatchObject({
      __typename: 'TaskError',
      code: 'INVALID_REFERENCE',
    });
    expect(await createTask(coordinator.token, { phase: 'RECEPTION', title: 'x', visitId: bVisit })).toMatchObject({
      __typename: 'TaskError',
      code: 'INVALID_REFERENCE',
      message: 'No such visit',
    });
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM tasks WHERE title = 'x'`)).toEqual([{ n: 0 }]);

    // Update: clear the assignee, change the title; a stale version is refused.
    const updated = await gql(
      `mutation($i: UpdateTaskInput!) { updateTask(input: $i) { __typename ... on TaskPayload { task { title assignee { id } version } } } }`,
      { i: { id: x.id, expectedVersion: 1, title: '准备欢迎横幅和鲜花', assigneeMembershipId: null } },
      coordinator.token,
    );
    expect(updated.updateTask).toEqual({ __typename: 'TaskPayload', task: { title: '准备欢迎横幅和鲜花', assignee: null, version: 2 } });

    // Delete: gone, with a DELETED event carrying the task as it was.
    const deleted = await gql(
      `mutation($id: ID!) { deleteTask(input: { id: $id, expectedVersion: 2 }) { __typename ... on DeleteTaskPayload { deletedTaskId } } }`,
      { id: x.id },
      coordinator.token,
    );
    expect(deleted.deleteTask).toEqual({ __typename: 'DeleteTaskPayload', deletedTaskId: x.id });
    expect(await task(coordinator.token, x.id)).toBeNull();
    const [last] = await ownerQuery(`SELECT type, payload->'task'->>'title' AS title FROM event_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`, [a.id]);
    expect(last).toEqual({ type: 'DELETED', title: '准备欢迎横幅和鲜花' });
    expect(
      (await gql(`mutation($id: ID!) { deleteTask(input: { id: $id }) { __typename ... on TaskError { code } } }`, { id: x.id }, coordinator.token)).deleteTask,
    ).toEqual({ __typename: 'TaskError', code: 'NOT_FOUND' });
  });
});

describe('tenant isolation', () => {
  it("tenant B sees none of A's templates or tasks, and cannot instantiate A's template", async () => {
    const aTemplate = await govTemplate(a.adminToken);
    const bTemplate = await govTemplate(b.adminToken);
    expect(bTemplate.id).not.toBe(aTemplate.id);
    expect(bTemplate.items).toEqual(aTemplate.items); // the same seed, their own copy
    const bNames = (await templates(b.adminToken)).map((x) => x.name);
    expect(bNames).toEqual([GOV_TEMPLATE]); // none of A's own designs

    const aVisit = await api.newVisit(coordinator.token);
    const aTask = await newTask(coordinator.token, { visitId: aVisit, title: 'A 的机密任务' });
    const nodes = await gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [aTask.id, aTemplate.id, aVisit] }, b.adminToken);
    expect(nodes.nodes).toEqual([null, null, null]);
    expect(await task(b.adminToken, aTask.id)).toBeNull();
    const bAll = await gql(`{ tasks(first: 100) { edges { node { id title } } } }`, {}, b.adminToken);
    expect(bAll.tasks.edges.map((e: { node: { title: string } }) => e.node.title)).not.toContain('A 的机密任务');

    const bVisit = await api.newVisit(b.adminToken);
    const before = await ownerQuery(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1`, [b.id]);
    expect(await instantiate(b.adminToken, bVisit, aTemplate.id)).toMatchObject({ __typename: 'TaskError', code: 'NOT_FOUND' });
    expect(await instantiate(b.adminToken, aVisit, bTemplate.id)).toMatchObject({ __typename: 'TaskError', code: 'NOT_FOUND' });
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1`, [b.id])).toEqual(before);
    // B's own template works on B's visit.
    const own = await instantiate(b.adminToken, bVisit, bTemplate.id);
    expect(own.__typename).toBe('InstantiateChecklistPayload');
    expect(own.created!.length).toBeGreaterThanOrEqual(14 + 4);
  });
});
