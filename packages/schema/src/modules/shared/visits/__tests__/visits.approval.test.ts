// Visits through the real gateway (2/4): the lifecycle. Illegal moves are refused and change nothing;
// a plan with a BLOCKER is not submitted; submission freezes plan version 1; only APPROVERs decide; a
// rejection needs a comment; a material change after approval re-opens approval with a new version, a
// diff naming exactly what changed and an event for everyone assigned; non-material changes do not;
// archiving needs the written summary; closed visits refuse plan changes; every change is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { auditActions, fingerprint, L, ok, refused, visitApi, type Payload, type VisitApi } from './visits.helpers.ts';

let t: TestApp;
let api: VisitApi;
let gov: TestTenant;
let coordinator: { token: string; membershipId: string };
let approver: { token: string; membershipId: string };
let staff: { token: string; membershipId: string };
let hostLeader: { token: string; membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  [coordinator, approver, staff, hostLeader] = await Promise.all([
    gov.member(['COORDINATOR']),
    gov.member(['APPROVER']),
    gov.member(['STAFF']),
    gov.member(['STAFF']),
  ]);
});
afterAll(() => t?.close());

const VERSIONS = 'status version planVersions { id number decision comment reason snapshot }';

/** A one-day visit with a principal guest, a lunch with a dish and a host leader: no blockers but the contacts. */
async function plannedVisit() {
  const visitId = await api.newVisit(coordinator.token, { startsAt: L('2030-06-01T09:00'), endsAt: L('2030-06-01T17:00') });
  const guest = await api.add(coordinator.token, 'saveVisitGuest', visitId, { name: '孙处长', principalOrder: 1, rankLevel: 7 });
  const lunch = await api.add(coordinator.token, 'saveMeal', visitId, {
    kind: 'LUNCH',
    startsAt: L('2030-06-01T12:00'),
    place: '机关食堂',
    dishes: [{ name: '番茄炒蛋', tags: ['egg'] }],
  });
  await api.add(coordinator.token, 'saveVisitHost', visitId, { membershipId: hostLeader.membershipId, role: 'HOST_LEADER' });
  await api.add(coordinator.token, 'saveVisitContact', visitId, { name: '联络员甲', phone: '13800000011' });
  return { visitId, guest, lunch };
}

/** Asserts the refusal and that nothing at all changed in the tenant's visit data. */
async function refusedWithoutChange(call: () => Promise<Payload>, code: string) {
  const before = await fingerprint(gov.id);
  refused(await call(), code);
  expect(await fingerprint(gov.id)).toEqual(before);
}

describe('visit lifecycle', () => {
  it('refuses illegal transitions with ILLEGAL_TRANSITION, changing nothing', async () => {
    const v = await api.newVisit(coordinator.token);
    await refusedWithoutChange(() => api.setStatus(coordinator.token, v, 'COMPLETED'), 'ILLEGAL_TRANSITION');
    await refusedWithoutChange(() => api.setStatus(coordinator.token, v, 'ARCHIVED'), 'ILLEGAL_TRANSITION');
    expect(ok(await api.setStatus(coordinator.token, v, 'PLANNING')).visit).toMatchObject({ status: 'PLANNING', version: 2 });
    // Approval goes through submit/decide only.
    await refusedWithoutChange(() => api.setStatus(coordinator.token, v, 'APPROVED'), 'ILLEGAL_TRANSITION');
    await refusedWithoutChange(() => api.setStatus(coordinator.token, v, 'PENDING_APPROVAL'), 'ILLEGAL_TRANSITION');
    expect(ok(await api.setStatus(coordinator.token, v, 'CANCELLED')).visit.status).toBe('CANCELLED');
    await refusedWithoutChange(() => api.setStatus(coordinator.token, v, 'PLANNING'), 'ILLEGAL_TRANSITION');
    expect(await auditActions(v)).toEqual(['visit.created', 'visit.status.planning', 'visit.status.cancelled']);
  });

  it('submits only a plan without BLOCKERs; rejection needs a comment and sends the plan back to PLANNING', async () => {
    const { visitId } = await plannedVisit();
    const blocked = await api.submit(coordinator.token, visitId);
    refused(blocked, 'PLAN_HAS_BLOCKERS');
    expect(blocked.message).toContain('TOO_FEW_CONTACTS');
    expect(await api.read(coordinator.token, visitId, VERSIONS)).toMatchObject({ status: 'REQUESTED', version: 5, planVersions: [] });

    await api.add(coordinator.token, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
    expect(ok(await api.submit(coordinator.token, visitId)).visit).toMatchObject({ status: 'PENDING_APPROVAL', version: 7 });

    const before = await fingerprint(gov.id);
    const noComment = await api.decide(approver.token, visitId, false);
    expect(noComment.data.decideVisitPlan).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'comment'] }] });
    const blank = await api.decide(approver.token, visitId, false, '   ');
    expect(blank.data.decideVisitPlan).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'comment'] }] });
    expect(await fingerprint(gov.id)).toEqual(before);

    const rejected = await api.decide(approver.token, visitId, false, '住宿标准偏高,请调整');
    expect(ok(rejected.data.decideVisitPlan).visit.status).toBe('PLANNING');
    const read = await api.read(coordinator.token, visitId, VERSIONS);
    expect(read.planVersions).toMatchObject([{ number: 1, decision: 'REJECTED', comment: '住宿标准偏高,请调整' }]);
    const events = await ownerQuery(`SELECT type FROM event_log WHERE subject_id = $1 ORDER BY id`, [rawId(visitId)]);
    // Building the plan raised its issues (visit.plan_issues_raised, one per change that brought new ones); the decision is the last event.
    const types = events.map((e) => e.type as string);
    expect(types.filter((type) => type !== 'visit.plan_issues_raised')).toEqual(['visit.plan_rejected']);
    expect(types.at(-1)).toBe('visit.plan_rejected');
  });

  it('only APPROVERs decide: staff, coordinators and the tenant admin get FORBIDDEN and change nothing', async () => {
    const { visitId } = await plannedVisit();
    await api.add(coordinator.token, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
    ok(await api.submit(coordinator.token, visitId));
    const before = await fingerprint(gov.id);
    for (const token of [staff.token, coordinator.token, gov.adminToken]) {
      const res = await api.decide(token, visitId, true);
      expect(res.errors).toBeUndefined();
      expect(res.data.decideVisitPlan.__typename).toBe('ForbiddenError');
    }
    expect(await fingerprint(gov.id)).toEqual(before);
    expect((await api.read(coordinator.token, visitId, 'status')).status).toBe('PENDING_APPROVAL');
  });

  it('re-saving a guest or a lodging with its nested lists diffs only what changed; a newer pending version supersedes the older', async () => {
    const { visitId, guest } = await plannedVisit();
    await api.add(coordinator.token, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
    const guestInput = { id: guest, name: '孙处长', principalOrder: 1, rankLevel: 7, dietaryRestrictions: [{ category: 'RELIGIOUS', restricted: 'pork' }] };
    ok(await api.save(coordinator.token, 'saveVisitGuest', visitId, guestInput));
    const rooms = (roomType: string) => [
      { floor: 3, number: '301', roomType, guestIds: [guest] },
      { floor: 3, number: '302', isSpare: true },
    ];
    const lodging = await api.add(coordinator.token, 'saveLodging', visitId, {
      hotelName: '国宾馆',
      checkIn: '2030-06-01',
      checkOut: '2030-06-02',
      rooms: rooms('大床房'),
    });
    const ids = async () => {
      const r = await api.read(coordinator.token, visitId, 'guests { dietaryRestrictions { id } } lodgings { rooms { id number } }');
      return { restriction: r.guests[0].dietaryRestrictions[0].id, rooms: r.lodgings[0].rooms };
    };
    const before = await ids();
    ok(await api.submit(coordinator.token, visitId));
    ok((await api.decide(approver.token, visitId, true)).data.decideVisitPlan);

    ok(await api.save(coordinator.token, 'saveVisitGuest', visitId, { ...guestInput, title: '处长' }));
    ok(
      await api.save(coordinator.token, 'saveLodging', visitId, {
        id: lodging,
        hotelName: '国宾馆',
        checkIn: '2030-06-01',
        checkOut: '2030-06-02',
        rooms: rooms('套房'),
      }),
    );
    expect(await ids()).toEqual(before);
    const read = await api.read(
      coordinator.token,
      visitId,
      `${VERSIONS} planDiff(from: 1, to: 3) { visit { field } added { kind label } removed { kind label } changed { kind changes { field before after } } }`,
    );
    expect(read.status).toBe('PENDING_APPROVAL');
    expect(read.planVersions.map((p: any) => [p.number, p.decision])).toEqual([
      [1, 'APPROVED'],
      [2, 'SUPERSEDED'],
      [3, 'PENDING'],
    ]);
    expect(read.planDiff).toEqual({
      visit: [],
      added: [],
      removed: [],
      changed: [
        { kind: 'guest', changes: [{ field: 'title', before: null, after: '处长' }] },
        { kind: 'room', changes: [{ field: 'roomType', before: '大床房', after: '套房' }] },
      ],
    });
  });

  it('recording readiness (a vehicle checked, a driver briefed, rooms inspected or found unfit) after approval does not re-open it', async () => {
    const { visitId, guest } = await plannedVisit();
    await api.add(coordinator.token, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
    const vehicleInput = { kind: 'SEDAN', seats: 4, plate: '苏A10001', driverName: '钱师傅', guestIds: [guest] };
    const car = await api.add(coordinator.token, 'saveVehicle', visitId, vehicleInput);
    const rooms = (extra: Record<string, unknown> = {}) => [
      { floor: 3, number: '301', guestIds: [guest], ...extra },
      { floor: 3, number: '302', isSpare: true },
    ];
    const lodgingInput = { hotelName: '国宾馆', checkIn: '2030-06-01', checkOut: '2030-06-02' };
    const lodging = await api.add(coordinator.token, 'saveLodging', visitId, { ...lodgingInput, rooms: rooms() });
    ok(await api.submit(coordinator.token, visitId)); // readiness is a WARNING this far ahead
    ok((await api.decide(approver.token, visitId, true)).data.decideVisitPlan);

    const saves: [Parameters<VisitApi['save']>[1], Record<string, unknown>][] = [
      ['saveVehicle', { id: car, ...vehicleInput, checked: true, driverBriefed: true }],
      ['saveLodging', { id: lodging, ...lodgingInput, rooms: rooms({ inspected: true }) }],
      ['saveLodging', { id: lodging, ...lodgingInput, rooms: rooms({ unfitReason: '空调故障' }) }],
    ];
    for (const [field, input] of saves) {
      expect(ok(await api.save(coordinator.token, field, visitId, input)).visit.status).toBe('APPROVED');
    }
    let read = await api.read(
      coordinator.token,
      visitId,
      `${VERSIONS} vehicles { checkedAt driverBriefed } lodgings { rooms { number inspectedAt unfitReason } }`,
    );
    expect(read.planVersions.map((p: any) => [p.number, p.decision])).toEqual([[1, 'APPROVED']]);
    expect(read.vehicles).toEqual([{ checkedAt: expect.any(String), driverBriefed: true }]);
    expect(read.lodgings[0].rooms[0]).toEqual({ number: '301', inspectedAt: expect.any(String), unfitReason: '空调故障' });
    const events = await ownerQuery(`SELECT type FROM event_log WHERE subject_id = $1 AND type = 'visit.plan_changed_after_approval'`, [rawId(visitId)]);
    expect(events).toEqual([]);
    // The unfit room is now a BLOCKER on the approved plan (nothing more is approved with it).
    expect((await api.issues(coordinator.token, visitId)).filter((i) => i.severity === 'BLOCKER').map((i) => i.code)).toEqual(['ROOM_UNFIT']);

    // A plan change in the same save re-opens approval; the diff shows the plan change only.
    expect(ok(await api.save(coordinator.token, 'saveVehicle', visitId, { id: car, ...vehicleInput, seats: 5 })).visit.status).toBe('PENDING_APPROVAL');
    read = await api.read(
      coordinator.token,
      visitId,
      `${VERSIONS} planDiff(from: 1, to: 2) { visit { field } added { kind } removed { kind } changed { kind changes { field before after } } }`,
    );
    expect(read.planDiff).toEqual({ visit: [], added: [], removed: [], changed: [{ kind: 'vehicle', changes: [{ field: 'seats', before: 4, after: 5 }] }] });
  });

  it('planDiff shows what a person changed in the plan, never the live travel tracking reported between two versions', async () => {
    const { visitId } = await plannedVisit();
    await api.add(coordinator.token, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
    const legInput = {
      direction: 'INBOUND',
      mode: 'CAR',
      origin: '省会',
      destination: '市政府',
      departureAt: L('2030-06-01T07:00'),
      arrivalAt: L('2030-06-01T08:30'),
    };
    const leg = await api.add(coordinator.token, 'saveTravelLeg', visitId, legInput);
    ok(await api.submit(coordinator.token, visitId));
    ok((await api.decide(approver.token, visitId, true)).data.decideVisitPlan);

    // The driver reports the journey: the plan stays approved, with no new version.
    const progress = { actualDepartureAt: L('2030-06-01T07:10'), expectedArrivalAt: L('2030-06-01T08:50') };
    expect(ok(await api.travelProgress(staff.token, leg, progress)).visit.status).toBe('APPROVED');
    // A person then changes the plan (a guest joins): version 2, frozen with the tracking the leg now has.
    ok(await api.save(coordinator.token, 'saveVisitGuest', visitId, { name: '钱科长', rankLevel: 8 }));
    let read = await api.read(
      coordinator.token,
      visitId,
      `${VERSIONS} planDiff(from: 1, to: 2) { visit { field } added { kind label } removed { kind } changed { kind changes { field } } }`,
    );
    const legOf = (version: number) => read.planVersions[version - 1].snapshot.travel[0];
    expect([legOf(1).actualDepartureAt, legOf(2).actualDepartureAt]).toEqual([null, progress.actualDepartureAt]);
    expect([legOf(1).expectedArrivalAt, legOf(2).expectedArrivalAt]).toEqual([null, progress.expectedArrivalAt]);
    expect(read.planDiff).toEqual({ visit: [], added: [{ kind: 'guest', label: '钱科长' }], removed: [], changed: [] });

    // More tracking, then a real change of the same leg (the planned departure moves): only that shows.
    ok((await api.decide(approver.token, visitId, true)).data.decideVisitPlan);
    ok(await api.travelProgress(staff.token, leg, { actualDepartureAt: progress.actualDepartureAt, expectedArrivalAt: L('2030-06-01T09:05') }));
    ok(await api.save(coordinator.token, 'saveTravelLeg', visitId, { id: leg, ...legInput, departureAt: L('2030-06-01T06:45') }));
    read = await api.read(
      coordinator.token,
      visitId,
      `${VERSIONS} planDiff(from: 2, to: 3) { visit { field } added { kind } removed { kind } changed { kind id changes { field before after } } }`,
    );
    expect(legOf(3).expectedArrivalAt).toBe(L('2030-06-01T09:05'));
    expect(read.planDiff).toEqual({
      visit: [],
      added: [],
      removed: [],
      changed: [{ kind: 'travelLeg', id: rawId(leg), changes: [{ field: 'departureAt', before: L('2030-06-01T07:00'), after: L('2030-06-01T06:45') }] }],
    });
  });

  it('approval, re-approval after material changes with an exact diff and a notification, and on to the archive', async () => {
    const { visitId, lunch } = await plannedVisit();
    let changes = 5; // created, guest, meal, host, contact
    expect((await api.read(coordinator.token, visitId, 'coordinator { id }')).coordinator).toEqual({ id: coordinator.membershipId });
    ok(await api.setStatus(coordinator.token, visitId, 'PLANNING'));
    ok(await api.save(coordinator.token, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' }));
    ok(await api.submit(coordinator.token, visitId));
    changes += 3;

    // Version 1 is frozen with the whole plan.
    let read = await api.read(coordinator.token, visitId, VERSIONS);
    expect(read.status).toBe('PENDING_APPROVAL');
    expect(read.planVersions).toHaveLength(1);
    expect(read.planVersions[0]).toMatchObject({ number: 1, decision: 'PENDING' });
    const snapshot = read.planVersions[0].snapshot;
    expect(snapshot).toMatchObject({ id: rawId(visitId), timeZone: 'Asia/Shanghai' });
    expect(snapshot.guests.map((g: any) => g.name)).toEqual(['孙处长']);
    expect(snapshot.meals[0].dishes.map((d: any) => d.name)).toEqual(['番茄炒蛋']);
    expect(snapshot.contacts).toHaveLength(2);

    ok((await api.decide(approver.token, visitId, true, '同意')).data.decideVisitPlan);
    changes++;
    read = await api.read(coordinator.token, visitId, VERSIONS);
    expect(read.status).toBe('APPROVED');
    expect(read.planVersions.map((p: any) => [p.number, p.decision])).toEqual([[1, 'APPROVED']]);

    // A material change (a guest joins) re-opens approval as version 2.
    const added = ok(await api.save(coordinator.token, 'saveVisitGuest', visitId, { name: '钱科长', rankLevel: 8 }));
    changes++;
    expect(added.visit.status).toBe('PENDING_APPROVAL');
    read = await api.read(
      coordinator.token,
      visitId,
      `${VERSIONS} planDiff(from: 1, to: 2) { visit { field } added { kind id label } removed { kind id } changed { kind id } }`,
    );
    expect(read.planVersions.map((p: any) => [p.number, p.decision])).toEqual([
      [1, 'APPROVED'],
      [2, 'PENDING'],
    ]);
    expect(read.planVersions[1].reason).toContain('guest.saved');
    expect(read.planDiff).toEqual({ visit: [], added: [{ kind: 'guest', id: rawId(added.recordId!), label: '钱科长' }], removed: [], changed: [] });

    const [event, ...moreEvents] = await ownerQuery(
      `SELECT payload, actor_user_id FROM event_log WHERE subject_id = $1 AND type = 'visit.plan_changed_after_approval' ORDER BY id`,
      [rawId(visitId)],
    );
    expect(moreEvents).toEqual([]);
    expect(event.payload).toMatchObject({ version: 2, approvedVersion: 1, added: 1, removed: 0, changed: 0 });
    expect(event.payload.recipientMembershipIds).toEqual([rawId(coordinator.membershipId), rawId(hostLeader.membershipId)].sort());

    // Approved again; then the lunch moves by half an hour (same menu): version 3, the diff is that one field.
    ok((await api.decide(approver.token, visitId, true)).data.decideVisitPlan);
    changes++;
    const moved = ok(
      await api.save(coordinator.token, 'saveMeal', visitId, {
        id: lunch,
        kind: 'LUNCH',
        startsAt: L('2030-06-01T12:30'),
        place: '机关食堂',
        dishes: [{ name: '番茄炒蛋', tags: ['egg'] }],
      }),
    );
    changes++;
    expect(moved.visit.status).toBe('PENDING_APPROVAL');
    read = await api.read(
      coordinator.token,
      visitId,
      `${VERSIONS} planDiff(from: 2, to: 3) { visit { field } added { kind label } removed { kind label } changed { kind id changes { field before after } } }`,
    );
    expect(read.planVersions.map((p: any) => [p.number, p.decision])).toEqual([
      [1, 'APPROVED'],
      [2, 'APPROVED'],
      [3, 'PENDING'],
    ]);
    expect(read.planDiff).toEqual({
      visit: [],
      added: [],
      removed: [],
      changed: [{ kind: 'meal', id: rawId(lunch), changes: [{ field: 'startsAt', before: L('2030-06-01T12:00'), after: L('2030-06-01T12:30') }] }],
    });
    const events = await ownerQuery(`SELECT payload FROM event_log WHERE subject_id = $1 AND type = 'visit.plan_changed_after_approval' ORDER BY id`, [
      rawId(visitId),
    ]);
    expect(events.map((e) => e.payload.version)).toEqual([2, 3]);
    ok((await api.decide(approver.token, visitId, true)).data.decideVisitPlan);
    changes++;

    // Non-material changes (a contact, a gift) leave the plan approved, with no new version.
    for (const [field, input] of [
      ['saveVisitContact', { name: '联络员丙', phone: '13800000013' }],
      ['saveGift', { item: '茶叶', value: '120.00', tags: ['tea'] }],
    ] as const) {
      expect(ok(await api.save(coordinator.token, field, visitId, input)).visit.status).toBe('APPROVED');
      changes++;
    }
    expect((await api.read(coordinator.token, visitId, VERSIONS)).planVersions).toHaveLength(3);

    // In progress, completed: the plan is closed.
    ok(await api.setStatus(coordinator.token, visitId, 'IN_PROGRESS'));
    ok(await api.setStatus(coordinator.token, visitId, 'COMPLETED'));
    changes += 2;
    await refusedWithoutChange(() => api.save(coordinator.token, 'saveVisitGuest', visitId, { name: '迟到者' }), 'VISIT_CLOSED');
    await refusedWithoutChange(
      () => api.save(coordinator.token, 'saveMeal', visitId, { id: lunch, kind: 'LUNCH', startsAt: L('2030-06-01T13:00') }),
      'VISIT_CLOSED',
    );
    await refusedWithoutChange(() => api.remove(coordinator.token, visitId, lunch), 'VISIT_CLOSED');
    await refusedWithoutChange(() => api.updateVisit(coordinator.token, visitId, { endsAt: L('2030-06-01T20:00') }), 'VISIT_CLOSED');

    // Archiving needs the written summary; the follow-up is recorded on the completed visit.
    await refusedWithoutChange(() => api.setStatus(coordinator.token, visitId, 'ARCHIVED'), 'FOLLOW_UP_INCOMPLETE');
    const followUp = ok(await api.followUp(staff.token, visitId, { safeArrivalConfirmed: true, photosSent: true, summary: '接待顺利;不足:用餐时间偏紧' }));
    changes++;
    expect(followUp.visit.status).toBe('COMPLETED');
    expect(ok(await api.setStatus(coordinator.token, visitId, 'ARCHIVED')).visit.status).toBe('ARCHIVED');
    changes++;
    read = await api.read(coordinator.token, visitId, 'status summary safeArrivalConfirmedAt photosSentAt forgottenItemsCheckedAt version');
    expect(read).toMatchObject({ status: 'ARCHIVED', summary: '接待顺利;不足:用餐时间偏紧', forgottenItemsCheckedAt: null, version: changes });
    expect(read.safeArrivalConfirmedAt).toEqual(expect.any(String));
    expect(read.photosSentAt).toEqual(expect.any(String));

    // Every accepted change wrote one visit.* audit entry; the refused ones wrote none.
    const actions = await auditActions(visitId);
    expect(actions).toHaveLength(changes);
    expect(actions.every((a) => a.startsWith('visit.'))).toBe(true);
    expect(actions).toEqual(
      expect.arrayContaining([
        'visit.created',
        'visit.status.planning',
        'visit.submitted',
        'visit.approved',
        'visit.guest.saved',
        'visit.meal.saved',
        'visit.contact.saved',
        'visit.gift.saved',
        'visit.status.in_progress',
        'visit.status.completed',
        'visit.follow_up',
        'visit.status.archived',
      ]),
    );
    expect(actions.filter((a) => a === 'visit.approved')).toHaveLength(3);
  });
});

describe('four-eyes approval (Tenant.requireSeparateApprover)', () => {
  let office: TestTenant;
  let both: { token: string; membershipId: string }; // COORDINATOR + APPROVER, as the demo's coordinator
  let leader: { token: string; membershipId: string };
  let host: { token: string; membershipId: string };

  beforeAll(async () => {
    office = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
    [both, leader, host] = await Promise.all([office.member(['COORDINATOR', 'APPROVER']), office.member(['APPROVER']), office.member(['STAFF'])]);
  });

  const setting = async () => (await t.gql(`{ tenant { requireSeparateApprover } }`, {}, { token: office.adminToken })).data.tenant.requireSeparateApprover;
  const setSetting = async (on: boolean) => {
    const res = await t.gql(
      `mutation($on: Boolean!) { updateTenant(input: { requireSeparateApprover: $on }) { __typename ... on TenantPayload { tenant { requireSeparateApprover } } } }`,
      { on },
      { token: office.adminToken },
    );
    expect(res.data.updateTenant).toEqual({ __typename: 'TenantPayload', tenant: { requireSeparateApprover: on } });
  };
  /** A plan without blockers, submitted by `both`: version 1 pending. */
  async function submitted() {
    const visitId = await api.newVisit(both.token, { startsAt: L('2030-07-01T09:00'), endsAt: L('2030-07-01T17:00') });
    await api.add(both.token, 'saveVisitGuest', visitId, { name: '周处长', principalOrder: 1, rankLevel: 7 });
    await api.add(both.token, 'saveVisitHost', visitId, { membershipId: host.membershipId, role: 'HOST_LEADER' });
    await api.add(both.token, 'saveVisitContact', visitId, { name: '联络员甲', phone: '13800000021' });
    await api.add(both.token, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000022' });
    ok(await api.submit(both.token, visitId));
    return visitId;
  }

  it('is on by default for a government office, off for hospitals and hotels', async () => {
    expect(await setting()).toBe(true);
    const platform = await createPlatformAdmin(t);
    for (const kind of ['HOSPITAL', 'HOTEL'] as const) {
      const other = await createTenant(t, platform.token, kind);
      expect((await t.gql(`{ tenant { requireSeparateApprover } }`, {}, { token: other.adminToken })).data.tenant.requireSeparateApprover, kind).toBe(false);
    }
  });

  it('when on, whoever submitted may not approve (FOUR_EYES_REQUIRED, nothing changes); another approver may', async () => {
    const visitId = await submitted();
    const before = await fingerprint(office.id);
    const self = (await api.decide(both.token, visitId, true, '同意')).data.decideVisitPlan;
    expect(self).toMatchObject({ __typename: 'VisitError', code: 'FOUR_EYES_REQUIRED' });
    expect(await fingerprint(office.id)).toEqual(before);
    expect((await api.read(both.token, visitId, VERSIONS)).planVersions.map((p: any) => p.decision)).toEqual(['PENDING']);

    ok((await api.decide(leader.token, visitId, true, '同意')).data.decideVisitPlan);
    let read = await api.read(both.token, visitId, VERSIONS);
    expect([read.status, read.planVersions.map((p: any) => p.decision)]).toEqual(['APPROVED', ['APPROVED']]);

    // A material change re-opens approval as version 2, submitted by whoever made it: the same rule holds.
    ok(await api.save(both.token, 'saveVisitGuest', visitId, { name: '吴科长', rankLevel: 8 }));
    refused((await api.decide(both.token, visitId, true)).data.decideVisitPlan, 'FOUR_EYES_REQUIRED');
    ok((await api.decide(leader.token, visitId, true)).data.decideVisitPlan);
    read = await api.read(both.token, visitId, VERSIONS);
    expect(read.planVersions.map((p: any) => [p.number, p.decision])).toEqual([
      [1, 'APPROVED'],
      [2, 'APPROVED'],
    ]);

    // Sending one's own submission back (a rejection) stays possible.
    ok(await api.save(both.token, 'saveVisitGuest', visitId, { name: '郑干事', rankLevel: 9 }));
    expect(ok((await api.decide(both.token, visitId, false, '撤回修改')).data.decideVisitPlan).visit.status).toBe('PLANNING');
  });

  it('when off, the submitter may approve their own plan', async () => {
    await setSetting(false);
    try {
      const visitId = await submitted();
      expect(ok((await api.decide(both.token, visitId, true, '同意')).data.decideVisitPlan).visit.status).toBe('APPROVED');
    } finally {
      await setSetting(true);
    }
    expect(await setting()).toBe(true);
    const audit = await ownerQuery(`SELECT data FROM audit_log WHERE tenant_id = $1 AND action = 'tenant.updated' ORDER BY created_at`, [office.id]);
    expect(audit.map((a) => a.data.after)).toEqual([{ requireSeparateApprover: false }, { requireSeparateApprover: true }]);
  });
});
