// Hotel events through the gateway: an event serving a visit, its dedicated team, department readiness
// (owner or coordinator reports, READY with evidence, a department READY only when all its items are),
// area inspections whose failed criteria become findings and corrective tasks, and the gate, computed,
// flipping to GO when its last reason clears and back when one returns; the visit shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../shared/visits/__tests__/visits.helpers.ts';
import { hotelApi, GATE } from './hotel.helpers.ts';

let t: TestApp;
let hotel: TestTenant;
let api: ReturnType<typeof hotelApi>;
let visits: VisitApi;
let admin: string;
let owner: { token: string; membershipId: string };
let otherStaff: { token: string; membershipId: string };
let coordinator: { token: string; membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  admin = hotel.adminToken;
  api = hotelApi(t);
  visits = visitApi(t);
  owner = await hotel.member(['STAFF']);
  otherStaff = await hotel.member(['STAFF']);
  coordinator = await hotel.member(['COORDINATOR']);
});
afterAll(() => t?.close());

describe('hotel events', () => {
  it('are created for a visit and refused with typed errors when the input is bad', async () => {
    const visitId = await visits.newVisit(admin, { purpose: 'CONFERENCE' });
    const eventId = await api.createEvent(coordinator.token, { visitId, hazards: ['FIRE'] });
    const data = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on Visit { hotelEvents { id title hazards visit { id } } hotelReadinessGate { status } } } }`,
      { id: visitId },
      admin,
    );
    expect(data.node.hotelEvents).toEqual([{ id: eventId, title: '全市人代会', hazards: ['FIRE'], visit: { id: visitId } }]);
    expect(data.node.hotelReadinessGate.status).toBe('NO_GO');

    const backwards = await api.mutate('createHotelEvent', { title: 'x', startsAt: '2030-05-10T01:00:00Z', endsAt: '2030-05-09T01:00:00Z' }, '', admin);
    expect(backwards).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'endsAt'] }] });
    const otherVisit = await api.mutate(
      'createHotelEvent',
      {
        title: 'x',
        startsAt: '2030-05-10T01:00:00Z',
        endsAt: '2030-05-11T01:00:00Z',
        visitId: Buffer.from('Visit:00000000-0000-4000-8000-000000000000').toString('base64'),
      },
      '',
      admin,
    );
    expect(otherVisit).toMatchObject({ __typename: 'HotelEventError', code: 'INVALID_REFERENCE' });
    const staff = await api.mutate('createHotelEvent', { title: 'x', startsAt: '2030-05-10T01:00:00Z', endsAt: '2030-05-11T01:00:00Z' }, '', owner.token);
    expect(staff.__typename).toBe('ForbiddenError');
  });

  it('have a dedicated team with one leader', async () => {
    const eventId = await api.createEvent(admin);
    const team = '... on HotelEventTeamMemberPayload { hotelEvent { team { role duty member { id } } } }';
    await api.mutate(
      'setHotelEventTeamMember',
      { eventId, membershipId: coordinator.membershipId, role: 'LEADER', duty: '总协调' },
      team,
      admin,
      'HotelEventTeamMemberPayload',
    );
    const second = await api.mutate('setHotelEventTeamMember', { eventId, membershipId: owner.membershipId, role: 'LEADER' }, team, admin);
    expect(second).toMatchObject({ __typename: 'HotelEventError', code: 'ALREADY_EXISTS' });
    const r = await api.mutate('setHotelEventTeamMember', { eventId, membershipId: owner.membershipId, role: 'LIAISON', duty: '前台联络' }, team, admin);
    expect(r.hotelEvent.team).toEqual([
      { role: 'LEADER', duty: '总协调', member: { id: coordinator.membershipId } },
      { role: 'LIAISON', duty: '前台联络', member: { id: owner.membershipId } },
    ]);
  });

  it('take readiness reports from the item’s owner or a coordinator; READY needs evidence; a department is READY only when all its items are', async () => {
    const eventId = await api.createEvent(admin, { hazards: [] });
    const desk = await api.addItem(admin, eventId, 'FRONT_OFFICE', '房卡与入住资料', owner.membershipId);
    const signs = await api.addItem(admin, eventId, 'FRONT_OFFICE', '欢迎指示牌');
    const dup = await api.mutate('addHotelReadinessItem', { eventId, department: 'FRONT_OFFICE', title: '欢迎指示牌' }, '', admin);
    expect(dup).toMatchObject({ __typename: 'HotelEventError', code: 'ALREADY_EXISTS' });

    expect((await api.report(otherStaff.token, desk, 'READY', { evidence: 'x' })).__typename).toBe('ForbiddenError');
    expect(await api.report(owner.token, desk, 'READY')).toMatchObject({ __typename: 'HotelEventError', code: 'ILLEGAL_TRANSITION' });
    expect(await api.report(owner.token, desk, 'BLOCKED')).toMatchObject({ __typename: 'ValidationError' });
    const stale = await api.report(owner.token, desk, 'IN_PROGRESS', { expectedVersion: 7 });
    expect(stale).toMatchObject({ __typename: 'HotelEventError', code: 'CONFLICT' });

    const ready = await api.report(owner.token, desk, 'READY', { evidence: 'https://files.example/roomkeys.jpg' });
    expect(ready.item).toMatchObject({ status: 'READY', evidence: 'https://files.example/roomkeys.jpg', version: 2 });
    expect(Date.parse(ready.item.reportedAt)).toBeGreaterThan(Date.now() - 60_000);

    const departments = async () =>
      (await api.gql(`query($id: ID!) { node(id: $id) { ... on HotelEvent { departments { department status ready total } } } }`, { id: eventId }, admin)).node
        .departments;
    expect(await departments()).toEqual([{ department: 'FRONT_OFFICE', status: 'IN_PROGRESS', ready: 1, total: 2 }]);
    expect((await api.report(coordinator.token, signs, 'READY', { evidence: '已摆放，见照片' })).__typename).toBe('HotelReadinessItemPayload');
    expect(await departments()).toEqual([{ department: 'FRONT_OFFICE', status: 'READY', ready: 2, total: 2 }]);
  });

  it('inspect areas: failed criteria become findings with corrective tasks, and the area passes when they are done', async () => {
    const eventId = await api.createEvent(admin, { hazards: [] });
    const areas = await api.areaIds(admin);
    const venue = await api.addArea(admin, eventId, areas.大会议厅!);
    const again = await api.mutate('addHotelEventArea', { eventId, hotelAreaId: areas.大会议厅 }, '', admin);
    expect(again).toMatchObject({ __typename: 'HotelEventError', code: 'ALREADY_EXISTS' });
    const criteria = await api.criteria(admin, 'INSPECTION');

    const offScale = await api.mutate('inspectHotelEventArea', { eventAreaId: venue, scores: [{ criterionKey: criteria[0]!.key, value: 99 }] }, '', admin);
    expect(offScale).toMatchObject({ __typename: 'AssessmentError', code: 'SCORE_OUT_OF_SCALE' });
    const [row] = await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM assessments WHERE tenant_id = $1 AND hotel_area_id IS NOT NULL`, [hotel.id]);
    expect(row?.n).toBe(0);

    const inspected = await api.mutate(
      'inspectHotelEventArea',
      { eventAreaId: venue, scores: api.scores(criteria, ['清洁卫生', '安全措施到位']), correctedByMembershipId: owner.membershipId },
      `... on HotelEventAreaPayload { eventArea { passed inspection { status total } } findings { severity description open task { id status assignee { id } } } }`,
      admin,
      'HotelEventAreaPayload',
    );
    expect(inspected.eventArea).toMatchObject({ passed: false, inspection: { status: 'SUBMITTED' } });
    expect(inspected.findings.map((f: { severity: string }) => f.severity).sort()).toEqual(['HIGH', 'MEDIUM']);
    expect(inspected.findings[0].task).toMatchObject({ status: 'TODO', assignee: { id: owner.membershipId } });

    let gate = await api.gate(admin, eventId);
    const failed = gate.reasons.find((r) => r.code === 'AREA_INSPECTION_FAILED');
    expect(failed?.message).toContain('大会议厅');
    expect(failed?.subjectIds).toContain(venue);

    for (const finding of inspected.findings) {
      await api.mutate('changeTaskStatus', { id: finding.task.id, status: 'DONE' }, '... on TaskPayload { task { status } }', owner.token, 'TaskPayload');
    }
    gate = await api.gate(admin, eventId);
    expect(gate.reasons.map((r) => r.code)).not.toContain('AREA_INSPECTION_FAILED');
    const passed = await api.gql(`query($id: ID!) { node(id: $id) { ... on HotelEventArea { passed } } }`, { id: venue }, admin);
    expect(passed.node.passed).toBe(true);
  });
});

describe('the go/no-go gate through the gateway', () => {
  it('is NO_GO with every reason, GO exactly when the last clears, NO_GO when one returns; the visit shows it', async () => {
    const visitId = await visits.newVisit(admin, { purpose: 'CONFERENCE' });
    const eventId = await api.createEvent(admin, { visitId, hazards: [] });
    let gate = await api.gate(admin, eventId);
    expect(gate.status).toBe('NO_GO');
    expect(gate.reasons.map((r) => r.code)).toEqual(['NO_READINESS_ITEMS', 'NO_AREAS_TO_INSPECT', 'VISIT_PLAN_BLOCKER']);
    expect(gate.reasons[2]!.message).toContain('TOO_FEW_CONTACTS');
    // The visit's plan BLOCKER clears with two contacts on the visiting side.
    await visits.add(admin, 'saveVisitContact', visitId, { name: '联络员甲', phone: '13800000011' });
    await visits.add(admin, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
    expect((await api.gate(admin, eventId)).reasons.map((r) => r.code)).toEqual(['NO_READINESS_ITEMS', 'NO_AREAS_TO_INSPECT']);

    const item = await api.addItem(admin, eventId, 'HOUSEKEEPING', '客房布置');
    gate = await api.gate(admin, eventId);
    expect(gate.reasons).toMatchObject([{ code: 'DEPARTMENT_NOT_READY', department: 'HOUSEKEEPING', subjectIds: [item] }, { code: 'NO_AREAS_TO_INSPECT' }]);

    const areas = await api.areaIds(admin);
    const room = await api.addArea(admin, eventId, areas.客房八层!);
    await api.mutate(
      'inspectHotelEventArea',
      { eventAreaId: room, scores: api.scores(await api.criteria(admin, 'INSPECTION')) },
      '',
      admin,
      'HotelEventAreaPayload',
    );
    gate = await api.gate(admin, eventId);
    expect(gate.reasons.map((r) => r.code)).toEqual(['DEPARTMENT_NOT_READY']);

    await api.report(admin, item, 'READY', { evidence: '已检查' });
    gate = await api.gate(admin, eventId);
    expect(gate).toEqual({ status: 'GO', reasons: [] });
    const visit = await api.gql(`query($id: ID!) { node(id: $id) { ... on Visit { hotelReadinessGate { status } } } }`, { id: visitId }, admin);
    expect(visit.node.hotelReadinessGate.status).toBe('GO');

    // A task of the visit blocked: NO_GO with that reason; unblocked: GO again.
    const task = await api.mutate(
      'createTask',
      { visitId, phase: 'PREPARATION', title: '音响设备检修' },
      '... on TaskPayload { task { id } }',
      admin,
      'TaskPayload',
    );
    await api.mutate('changeTaskStatus', { id: task.task.id, status: 'BLOCKED', reason: '缺配件' }, '', admin, 'TaskPayload');
    gate = await api.gate(admin, eventId);
    expect(gate.status).toBe('NO_GO');
    expect(gate.reasons).toMatchObject([{ code: 'TASK_BLOCKED', subjectIds: [task.task.id] }]);
    await api.mutate('changeTaskStatus', { id: task.task.id, status: 'IN_PROGRESS' }, '', admin, 'TaskPayload');
    expect((await api.gate(admin, eventId)).status).toBe('GO');

    // A readiness item slipping back: NO_GO.
    await api.report(admin, item, 'IN_PROGRESS');
    expect((await api.gate(admin, eventId)).reasons.map((r) => r.code)).toEqual(['DEPARTMENT_NOT_READY']);
  });

  it('is listed with the events', async () => {
    const data = await api.gql(`query { hotelEvents(from: "2030-01-01T00:00:00Z") { id title ${GATE} } }`, {}, admin);
    expect(data.hotelEvents.length).toBeGreaterThan(0);
    expect(rawId(data.hotelEvents[0].id)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
