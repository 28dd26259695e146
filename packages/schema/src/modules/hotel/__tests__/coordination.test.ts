// The coordination meeting whose decisions become tasks, equipment maintenance due before the event (a
// blocked one holds the gate), and the event plan's revisions with a diff — through the gateway; the
// section diff also as a property.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi } from '../../shared/visits/__tests__/visits.helpers.ts';
import { diffSections } from '../event-plan.diff.ts';
import { hotelApi } from './hotel.helpers.ts';

let t: TestApp;
let hotel: TestTenant;
let api: ReturnType<typeof hotelApi>;
let admin: string;
let engineer: { membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  admin = hotel.adminToken;
  api = hotelApi(t);
  engineer = await hotel.member(['STAFF']);
});
afterAll(() => t?.close());

describe('coordination', () => {
  it('turns a meeting’s decisions into tasks on the visit’s board, due before the event', async () => {
    const visitId = await visitApi(t).newVisit(admin, { purpose: 'CONFERENCE' });
    const eventId = await api.createEvent(admin, { visitId });
    const r = await api.mutate(
      'recordHotelCoordinationMeeting',
      {
        eventId,
        heldAt: '2030-05-01T02:00:00Z',
        minutes: '总经理听取各部门准备工作落实情况汇报',
        decisions: [{ text: '餐饮部确认清真餐单', ownerMembershipId: engineer.membershipId }, { text: '保安部增派夜间巡逻' }],
      },
      '... on HotelCoordinationMeetingPayload { meeting { minutes decisions { kind task { title dueAt assignee { id } assigneeRole visit { id } } } } }',
      admin,
      'HotelCoordinationMeetingPayload',
    );
    expect(r.meeting.decisions).toEqual([
      {
        kind: 'DECISION',
        task: {
          title: 'Coordination meeting decision (餐饮部确认清真餐单)',
          dueAt: '2030-05-09T01:00:00.000Z',
          assignee: { id: engineer.membershipId },
          assigneeRole: null,
          visit: { id: visitId },
        },
      },
      {
        kind: 'DECISION',
        task: {
          title: 'Coordination meeting decision (保安部增派夜间巡逻)',
          dueAt: '2030-05-09T01:00:00.000Z',
          assignee: null,
          assigneeRole: 'COORDINATOR',
          visit: { id: visitId },
        },
      },
    ]);
    const bad = await api.mutate(
      'recordHotelCoordinationMeeting',
      {
        eventId,
        heldAt: '2030-05-01T02:00:00Z',
        decisions: [{ text: 'x', ownerMembershipId: Buffer.from('Membership:00000000-0000-4000-8000-000000000000').toString('base64') }],
      },
      '',
      admin,
    );
    expect(bad).toMatchObject({ __typename: 'HotelEventError', code: 'INVALID_REFERENCE' });
  });

  it('schedules equipment maintenance before the event; a blocked one holds the gate', async () => {
    const eventId = await api.createEvent(admin, { hazards: [] });
    const areas = await api.areaIds(admin);
    const r = await api.mutate(
      'scheduleHotelEquipmentMaintenance',
      {
        eventId,
        items: [
          { equipment: '音响与无线话筒', hotelAreaId: areas.大会议厅, assigneeMembershipId: engineer.membershipId, hoursBefore: 48 },
          { equipment: '投影仪', hotelAreaId: areas.第一会议室 },
        ],
      },
      '... on HotelEquipmentMaintenancePayload { eventTasks { id kind equipment area { name } task { id title dueAt } } }',
      admin,
      'HotelEquipmentMaintenancePayload',
    );
    expect(r.eventTasks.map((e: { task: { title: string; dueAt: string } }) => [e.task.title, e.task.dueAt])).toEqual([
      ['Equipment maintenance (大会议厅 · 音响与无线话筒)', '2030-05-08T01:00:00.000Z'],
      ['Equipment maintenance (第一会议室 · 投影仪)', '2030-05-09T01:00:00.000Z'],
    ]);
    const taskId = r.eventTasks[0].task.id;
    await api.mutate('changeTaskStatus', { id: taskId, status: 'BLOCKED', reason: '缺配件' }, '', admin, 'TaskPayload');
    const gate = await api.gate(admin, eventId);
    expect(gate.reasons.find((x) => x.code === 'TASK_BLOCKED')).toMatchObject({ subjectIds: [taskId] });
    const listed = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on HotelEvent { eventTasks(kind: MAINTENANCE) { equipment } } } }`,
      { id: eventId },
      admin,
    );
    expect(listed.node.eventTasks).toEqual([{ equipment: '音响与无线话筒' }, { equipment: '投影仪' }]);
  });

  it('keeps the event plan’s revisions, refuses a stale base or an empty change, and diffs two versions', async () => {
    const eventId = await api.createEvent(admin);
    const V = '... on HotelEventPlanVersionPayload { version { number sections { heading body } note } }';
    const first = [
      { heading: '接待规格', body: '省部级代表团，VIP 接待' },
      { heading: '用餐安排', body: '中餐厅包间，清真餐单' },
    ];
    expect(
      (await api.mutate('reviseHotelEventPlan', { eventId, baseNumber: 0, sections: first }, V, admin, 'HotelEventPlanVersionPayload')).version.number,
    ).toBe(1);
    expect(await api.mutate('reviseHotelEventPlan', { eventId, baseNumber: 0, sections: first }, V, admin)).toMatchObject({ code: 'CONFLICT' });
    expect(await api.mutate('reviseHotelEventPlan', { eventId, baseNumber: 1, sections: first }, V, admin)).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    const second = [
      { heading: '接待规格', body: '省部级代表团，VIP 接待，专班 24 小时值守' },
      { heading: '安保', body: '监控室双人值守' },
    ];
    await api.mutate('reviseHotelEventPlan', { eventId, baseNumber: 1, sections: second, note: '协调会后修改' }, V, admin, 'HotelEventPlanVersionPayload');
    const data = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on HotelEvent { planVersions { number note } planDiff(from: 1, to: 2) { added { heading } removed { heading } changed { heading before after } } } } }`,
      { id: eventId },
      admin,
    );
    expect(data.node.planVersions).toEqual([
      { number: 1, note: null },
      { number: 2, note: '协调会后修改' },
    ]);
    expect(data.node.planDiff).toEqual({
      added: [{ heading: '安保' }],
      removed: [{ heading: '用餐安排' }],
      changed: [{ heading: '接待规格', before: '省部级代表团，VIP 接待', after: '省部级代表团，VIP 接待，专班 24 小时值守' }],
    });
  });

  it('diffs sections: nothing against itself; every heading of either side accounted for once', () => {
    const sections = fc.uniqueArray(fc.record({ heading: fc.constantFrom('a', 'b', 'c', 'd', 'e'), body: fc.constantFrom('x', 'y') }), {
      selector: (s) => s.heading,
    });
    fc.assert(
      fc.property(sections, sections, (before, after) => {
        expect(diffSections(before, before)).toEqual({ added: [], removed: [], changed: [] });
        const diff = diffSections(before, after);
        const same = after.filter((s) => before.some((b) => b.heading === s.heading && b.body === s.body)).length;
        expect(diff.added.length + diff.changed.length + same).toBe(after.length);
        expect(diff.removed.length + diff.changed.length + same).toBe(before.length);
      }),
    );
  });
});
