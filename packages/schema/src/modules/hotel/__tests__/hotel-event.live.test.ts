// The live readiness board over a real graphql-ws client: each change that may move an event's gate
// arrives in order with the gate after it (NO_GO with its reasons, then GO when the last one clears);
// a resubscription after a cursor gets exactly what followed it; another event's changes do not arrive.
// Every wait is bounded by the events awaited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, waitFor, wsFeed, type Feed, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi } from '../../shared/visits/__tests__/visits.helpers.ts';
import { hotelApi } from './hotel.helpers.ts';

interface BoardEvent {
  cursor: string;
  change: string;
  hotelEvent: { id: string };
  gate: { status: string; reasons: { code: string }[] };
}

const BOARD = `subscription($id: ID!, $after: String) { hotelEventReadinessChanged(eventId: $id, after: $after) {
  cursor change hotelEvent { id } gate { status reasons { code } } } }`;

let t: TestApp;
let hotel: TestTenant;
let api: ReturnType<typeof hotelApi>;
const clients: ReturnType<TestApp['wsClient']>[] = [];

beforeAll(async () => {
  t = await startTestApp();
  await t.listen();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  api = hotelApi(t);
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

async function currentSeq(tenantId: string): Promise<string> {
  const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [tenantId]);
  return row?.seq ?? '0';
}

function board(eventId: string, after: string | null = null): Feed<BoardEvent> {
  const client = t.wsClient({ Authorization: `Bearer ${hotel.adminToken}` });
  clients.push(client);
  return wsFeed<BoardEvent>(client, { query: BOARD, variables: { id: eventId, after }, field: 'hotelEventReadinessChanged' });
}

describe('hotelEventReadinessChanged', () => {
  it('streams every change of the event with the gate after it, and resumes after a cursor', async () => {
    const admin = hotel.adminToken;
    const eventId = await api.createEvent(admin, { hazards: [] });
    const otherEventId = await api.createEvent(admin, { hazards: [] });
    // From the tenant's cursor of now: nothing after it is missed, however soon the subscription is live.
    const feed = board(eventId, await currentSeq(hotel.id));
    const item = await api.addItem(admin, eventId, 'SECURITY', '监控室值守');
    await waitFor(() => feed.events.length >= 1, 10_000, 'the first board event');
    expect(feed.events[0]).toMatchObject({ change: 'ITEM_ADDED', hotelEvent: { id: eventId }, gate: { status: 'NO_GO' } });
    expect(feed.events[0]!.gate.reasons.map((r) => r.code)).toEqual(['DEPARTMENT_NOT_READY', 'NO_AREAS_TO_INSPECT']);

    await api.addItem(admin, otherEventId, 'SECURITY', '不相关');
    const areas = await api.areaIds(admin);
    const monitoring = await api.addArea(admin, eventId, areas.监控室!);
    await api.mutate(
      'inspectHotelEventArea',
      { eventAreaId: monitoring, scores: api.scores(await api.criteria(admin, 'INSPECTION')) },
      '',
      admin,
      'HotelEventAreaPayload',
    );
    await api.report(admin, item, 'READY', { evidence: '双人值守，已签到' });
    await waitFor(() => feed.events.length >= 4, 10_000, 'four board events');
    expect(feed.events.map((e) => [e.change, e.gate.status])).toEqual([
      ['ITEM_ADDED', 'NO_GO'],
      ['AREA_ADDED', 'NO_GO'],
      ['AREA_INSPECTED', 'NO_GO'],
      ['ITEM_REPORTED', 'GO'],
    ]);
    expect(feed.events.every((e) => e.hotelEvent.id === eventId)).toBe(true);
    const cursors = feed.events.map((e) => BigInt(e.cursor));
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);

    // A task of nobody's visit that does not move the gate is not news; one blocked on the served visit would be.
    await api.mutate('createTask', { phase: 'PREPARATION', title: '无关任务' }, '', admin, 'TaskPayload');
    await api.report(admin, item, 'IN_PROGRESS');
    await waitFor(() => feed.events.length >= 5, 10_000, 'the fifth board event');
    expect(feed.events[4]).toMatchObject({ change: 'ITEM_REPORTED', gate: { status: 'NO_GO', reasons: [{ code: 'DEPARTMENT_NOT_READY' }] } });

    // Resubscribing after the second event's cursor replays exactly what followed it.
    const resumed = board(eventId, feed.events[1]!.cursor);
    await waitFor(() => resumed.events.length >= 3, 10_000, 'the replayed events');
    expect(resumed.events.slice(0, 3).map((e) => e.change)).toEqual(['AREA_INSPECTED', 'ITEM_REPORTED', 'ITEM_REPORTED']);
    feed.stop();
    resumed.stop();
  });

  it('follows the served visit: its plan changes and a task blocked on it reach the board', async () => {
    const admin = hotel.adminToken;
    const visits = visitApi(t);
    const visitId = await visits.newVisit(admin, { purpose: 'CONFERENCE' });
    const eventId = await api.createEvent(admin, { visitId, hazards: [] });
    const feed = board(eventId, await currentSeq(hotel.id));
    const codes = (e: BoardEvent) => e.gate.reasons.map((r) => r.code);

    await visits.add(admin, 'saveVisitContact', visitId, { name: '联络员甲', phone: '13800000011' });
    await waitFor(() => feed.events.length >= 1, 10_000, 'the first contact');
    expect(feed.events[0]!.change).toBe('VISIT_PLAN_CHANGED');
    expect(codes(feed.events[0]!)).toContain('VISIT_PLAN_BLOCKER');
    await visits.add(admin, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
    await waitFor(() => feed.events.length >= 2, 10_000, 'the second contact');
    expect(codes(feed.events[1]!)).not.toContain('VISIT_PLAN_BLOCKER');

    // A task of the visit: created (the gate does not move: not news), then blocked (news, with its reason).
    const task = await api.mutate(
      'createTask',
      { visitId, phase: 'PREPARATION', title: '同传设备调试' },
      '... on TaskPayload { task { id } }',
      admin,
      'TaskPayload',
    );
    await api.mutate('changeTaskStatus', { id: task.task.id, status: 'BLOCKED', reason: '设备未到' }, '', admin, 'TaskPayload');
    await waitFor(() => feed.events.length >= 3, 10_000, 'the blocked task');
    expect(feed.events[2]!.change).toBe('TASK_CHANGED');
    expect(codes(feed.events[2]!)).toContain('TASK_BLOCKED');
    expect(feed.events).toHaveLength(3);
    feed.stop();
  });

  it('refuses an unknown event', async () => {
    const feed = board(Buffer.from('HotelEvent:00000000-0000-4000-8000-000000000000').toString('base64'));
    await feed.done;
    expect(JSON.stringify(feed.errors)).toContain('No such event');
  });
});
