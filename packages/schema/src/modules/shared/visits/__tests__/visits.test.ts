// Visits through the real gateway (1/4): a coordinator records a whole reception plan and reads it back
// with an exact settlement; each plan check is triggered through the API (code, severity, global ids of
// the records concerned) and cleared by the change that fixes it. The checks themselves are unit-tested
// in visit.checks.test.ts; here the wiring is proven: loading the plan, the tenant's zone, global ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, globalId, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { assignRank, auditActions, L, ok, rankIdsByLevel, recordFullPlan, visitApi, type VisitApi } from './visits.helpers.ts';

let t: TestApp;
let api: VisitApi;
let gov: TestTenant;
let coordinator: { token: string; membershipId: string };
let hostLeader: { token: string; membershipId: string };
let juniorHost: { token: string; membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  [coordinator, hostLeader, juniorHost] = await Promise.all([gov.member(['COORDINATOR']), gov.member(['STAFF']), gov.member(['STAFF'])]);
  const ranks = await rankIdsByLevel(t, gov.adminToken);
  await assignRank(t, gov.adminToken, hostLeader.membershipId, ranks.get(5)!);
  await assignRank(t, gov.adminToken, juniorHost.membershipId, ranks.get(8)!);
});
afterAll(() => t?.close());

const typeOf = (id: string) => Buffer.from(id, 'base64').toString().split(':')[0];
const rawIdOf = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1] ?? '';
/** In the order the server lists records: by their raw UUID (a base64 global ID does not sort like its UUID). */
const sorted = (ids: string[]) => [...ids].sort((x, y) => (rawIdOf(x) < rawIdOf(y) ? -1 : rawIdOf(x) > rawIdOf(y) ? 1 : 0));

describe('a whole reception plan', () => {
  it('is recorded by a coordinator, read back in full, settled exactly and audited change by change', async () => {
    const plan = await recordFullPlan(api, coordinator.token, { hostLeaderId: hostLeader.membershipId, accompanyingId: coordinator.membershipId });
    const { visitId, guests, meals } = plan;
    const visit = await api.read(
      coordinator.token,
      visitId,
      `title purpose status receptionLevel visitingOrganization startsAt endsAt version notes includesImportantLeader
       coordinator { id }
       guests { id name gender ethnicity title rankLevel organization principalOrder dietaryRestrictions { id category restricted note } }
       contacts { id name phone role }
       travelLegs { id direction mode origin destination departureAt arrivalAt vehicleType plate driverCount }
       hosts { id role rankExplanation membership { id rank { level } } }
       itinerary { id kind title startsAt endsAt place route responsible { id } }
       lodgings { id hotelName address checkIn checkOut rooms { id floor number roomType isSpare inspectedAt unfitReason guests { id } } }
       meals { id kind startsAt place alcoholServed wholeDelegation guests { id } dishes { id name tags } }
       vehicles { id kind seats plate driverName driverPhone driverBriefed checkedAt guests { id } }
       gifts { id item value tags recipients { id } }
       budgetLines { id category description planned actual payableAt }
       planIssues { code severity recordIds }
       settlement { planned actual difference lines { category planned actual difference } }`,
    );

    expect(visit).toMatchObject({
      title: plan.title,
      purpose: 'LEADER_VISIT',
      status: 'REQUESTED',
      receptionLevel: '厅局级',
      visitingOrganization: '省发展和改革委员会',
      startsAt: '2030-05-10T01:00:00.000Z',
      endsAt: '2030-05-11T09:00:00.000Z',
      notes: '首次来访',
      includesImportantLeader: false,
      version: plan.changes, // 1 at creation, +1 per change
      coordinator: { id: coordinator.membershipId },
    });
    // Guests by principal order, restrictions normalised to lower-case tags.
    expect(visit.guests).toEqual([
      {
        id: guests.wang,
        name: '王主任',
        gender: 'MALE',
        ethnicity: '回族',
        title: '主任',
        rankLevel: 5,
        organization: '省发改委',
        principalOrder: 1,
        dietaryRestrictions: [{ id: expect.any(String), category: 'RELIGIOUS', restricted: 'pork', note: '清真' }],
      },
      {
        id: guests.li,
        name: '李处长',
        gender: 'FEMALE',
        ethnicity: null,
        title: '处长',
        rankLevel: 7,
        organization: '省发改委',
        principalOrder: 2,
        dietaryRestrictions: [
          { id: expect.any(String), category: 'PERSONAL', restricted: 'seafood', note: null },
          { id: expect.any(String), category: 'REGIONAL', restricted: 'spicy', note: '不吃辣' },
        ],
      },
      {
        id: guests.zhao,
        name: '赵秘书',
        gender: 'MALE',
        ethnicity: null,
        title: '秘书',
        rankLevel: 9,
        organization: null,
        principalOrder: null,
        dietaryRestrictions: [],
      },
    ]);
    expect(visit.guests.flatMap((g: any) => g.dietaryRestrictions.map((r: any) => typeOf(r.id)))).toEqual(Array(3).fill('DietaryRestriction'));
    expect(visit.contacts).toEqual([
      { id: plan.contacts.contactB, name: '刘干事', phone: '13900000002', role: null },
      { id: plan.contacts.contactA, name: '陈联络员', phone: '+86 138-0000-0001', role: '联络员' },
    ]);
    expect(visit.travelLegs).toEqual([
      {
        id: plan.travel.inbound,
        direction: 'INBOUND',
        mode: 'CAR',
        origin: '合肥',
        destination: '南京',
        departureAt: L('2030-05-10T06:30'),
        arrivalAt: L('2030-05-10T08:45'),
        vehicleType: 'SUV',
        plate: '皖A12345',
        driverCount: 1,
      },
      {
        id: plan.travel.outbound,
        direction: 'OUTBOUND',
        mode: 'TRAIN',
        origin: '南京南',
        destination: '合肥南',
        departureAt: L('2030-05-11T17:30'),
        arrivalAt: L('2030-05-11T18:30'),
        vehicleType: null,
        plate: null,
        driverCount: null,
      },
    ]);
    expect(visit.hosts).toEqual([
      { id: plan.hosts.hostLeader, role: 'HOST_LEADER', rankExplanation: null, membership: { id: hostLeader.membershipId, rank: { level: 5 } } },
      { id: plan.hosts.accompanying, role: 'ACCOMPANYING', rankExplanation: null, membership: { id: coordinator.membershipId, rank: null } },
    ]);
    expect(visit.itinerary.map((i: any) => [i.id, i.kind, i.title])).toEqual([
      [plan.itinerary.checkIn, 'LODGING_CHECK_IN', '入住'],
      [plan.itinerary.meeting, 'MEETING', '工作座谈会'],
      [plan.itinerary.lunchItem, 'MEAL', '工作午餐'],
      [plan.itinerary.siteVisit, 'SITE_VISIT', '园区考察'],
      [plan.itinerary.exchange, 'MEETING', '交流会'],
      [plan.itinerary.farewell, 'FAREWELL', '送别'],
    ]);
    expect(visit.itinerary[1]).toMatchObject({
      startsAt: '2030-05-10T02:00:00.000Z',
      endsAt: '2030-05-10T03:30:00.000Z',
      place: '市政府3号会议室',
      route: '饭店—市政府',
      responsible: { id: coordinator.membershipId },
    });
    expect(visit.lodgings).toEqual([
      {
        id: plan.lodging,
        hotelName: '金陵饭店',
        address: '汉中路2号',
        checkIn: '2030-05-10',
        checkOut: '2030-05-11',
        rooms: [
          {
            id: expect.any(String),
            floor: 12,
            number: '1201',
            roomType: '套房',
            isSpare: false,
            inspectedAt: expect.any(String),
            unfitReason: null,
            guests: [{ id: guests.wang }],
          },
          {
            id: expect.any(String),
            floor: 12,
            number: '1202',
            roomType: '大床房',
            isSpare: false,
            inspectedAt: expect.any(String),
            unfitReason: null,
            guests: [{ id: guests.li }],
          },
          {
            id: expect.any(String),
            floor: 12,
            number: '1203',
            roomType: '大床房',
            isSpare: false,
            inspectedAt: expect.any(String),
            unfitReason: null,
            guests: [{ id: guests.zhao }],
          },
          {
            id: expect.any(String),
            floor: 12,
            number: '1205',
            roomType: '大床房',
            isSpare: true,
            inspectedAt: expect.any(String),
            unfitReason: null,
            guests: [],
          },
        ],
      },
    ]);
    const allGuests = [{ id: guests.wang }, { id: guests.li }, { id: guests.zhao }];
    expect(visit.meals).toEqual([
      {
        id: meals.lunch,
        kind: 'LUNCH',
        startsAt: L('2030-05-10T12:00'),
        place: '金陵饭店',
        alcoholServed: false,
        wholeDelegation: true,
        guests: expect.arrayContaining(allGuests),
        dishes: [
          { id: expect.any(String), name: '宫保鸡丁', tags: expect.arrayContaining(['chicken', 'peanut']) },
          { id: expect.any(String), name: '清蒸鲈鱼', tags: ['fish'] },
          { id: expect.any(String), name: '盐水鸭', tags: ['duck'] },
        ],
      },
      {
        id: meals.banquet,
        kind: 'BANQUET',
        startsAt: L('2030-05-10T18:30'),
        place: '金陵饭店',
        alcoholServed: true,
        wholeDelegation: false,
        guests: expect.arrayContaining([{ id: guests.wang }, { id: guests.li }]),
        dishes: [{ id: expect.any(String), name: '红烧牛肉', tags: ['beef'] }],
      },
      {
        id: meals.breakfast,
        kind: 'BREAKFAST',
        startsAt: L('2030-05-11T07:30'),
        place: '金陵饭店',
        alcoholServed: false,
        wholeDelegation: true,
        guests: expect.arrayContaining(allGuests),
        dishes: [{ id: expect.any(String), name: '素包子', tags: ['vegetable'] }],
      },
    ]);
    expect(visit.meals[0].guests).toHaveLength(3);
    expect(visit.meals[1].guests).toHaveLength(2);
    expect(visit.vehicles).toEqual([
      {
        id: plan.vehicle,
        kind: 'MINIBUS',
        seats: 7,
        plate: '苏AD1234',
        driverName: '周师傅',
        driverPhone: '13700000003',
        driverBriefed: true,
        checkedAt: expect.any(String),
        guests: expect.arrayContaining(allGuests),
      },
    ]);
    expect(visit.gifts).toEqual([{ id: plan.gift, item: '云锦书签', value: '88.00', tags: ['silk'], recipients: [{ id: guests.wang }] }]);
    const lines = [...visit.budgetLines].sort((a: any, b: any) => a.id.localeCompare(b.id));
    expect(lines).toEqual(
      [
        { id: plan.budget.lodging, category: 'LODGING', description: '住宿', planned: '1200.10', actual: '1200.20', payableAt: null },
        { id: plan.budget.mealsA, category: 'MEALS', description: '午餐', planned: '0.10', actual: '0.25', payableAt: null },
        { id: plan.budget.mealsB, category: 'MEALS', description: '早餐', planned: '0.20', actual: '0.05', payableAt: null },
        { id: plan.budget.vehicles, category: 'VEHICLES', description: null, planned: '800.00', actual: null, payableAt: null },
        { id: plan.budget.allowance, category: 'MEAL_ALLOWANCE', description: '误餐费', planned: '150.00', actual: '150.00', payableAt: L('2030-05-10T09:30') },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );

    // The plan follows every rule: no issue at all.
    expect(visit.planIssues).toEqual([]);

    // Exact decimals: 0.10 + 0.20 = 0.30 planned, 0.25 + 0.05 = 0.30 actual; actual − planned per category and in total.
    expect(visit.settlement.planned).toBe('2150.40');
    expect(visit.settlement.actual).toBe('1350.50');
    expect(visit.settlement.difference).toBe('-799.90');
    const byCategory = Object.fromEntries(visit.settlement.lines.map((l: any) => [l.category, l]));
    expect(byCategory).toEqual({
      LODGING: { category: 'LODGING', planned: '1200.10', actual: '1200.20', difference: '0.10' },
      MEALS: { category: 'MEALS', planned: '0.30', actual: '0.30', difference: '0.00' },
      VEHICLES: { category: 'VEHICLES', planned: '800.00', actual: '0.00', difference: '-800.00' },
      MEAL_ALLOWANCE: { category: 'MEAL_ALLOWANCE', planned: '150.00', actual: '150.00', difference: '0.00' },
    });
    expect(visit.settlement.lines).toHaveLength(4);

    // Every change is in the audit log, as visit.* actions, readable through the API by the admin.
    const actions = await auditActions(visitId);
    expect(actions).toHaveLength(plan.changes);
    expect(actions[0]).toBe('visit.created');
    expect(actions.every((a) => a.startsWith('visit.'))).toBe(true);
    expect(actions).toEqual(expect.arrayContaining(['visit.guest.saved', 'visit.lodging.saved', 'visit.meal.saved', 'visit.budgetLine.saved']));
    const log = await t.gql(`{ auditLog(first: 100) { edges { node { action targetId targetType } } } }`, {}, { token: gov.adminToken });
    const forVisit = log.data.auditLog.edges.map((e: any) => e.node).filter((n: any) => n.targetId === visitId);
    expect(forVisit).toHaveLength(plan.changes);
    expect(forVisit.every((n: any) => n.targetType === 'Visit' && n.action.startsWith('visit.'))).toBe(true);
  });
});

describe('plan checks through the API', () => {
  /** The issues of one code, checking that every one carries the code's severity. */
  async function issuesOf(visitId: string, code: string, severity: string) {
    const found = (await api.issues(coordinator.token, visitId)).filter((i) => i.code === code);
    for (const issue of found) expect(issue.severity).toBe(severity);
    return found;
  }
  const guest = (visitId: string, input: Record<string, unknown>) => api.add(coordinator.token, 'saveVisitGuest', visitId, input);
  const save = (field: Parameters<VisitApi['save']>[1], visitId: string, input: Record<string, unknown>) => api.add(coordinator.token, field, visitId, input);
  const newVisit = (overrides: Record<string, unknown> = {}) => api.newVisit(coordinator.token, overrides);

  it('TOO_FEW_CONTACTS: one phone contact is a BLOCKER naming it; a second number clears it', async () => {
    const v = await newVisit();
    const first = await save('saveVisitContact', v, { name: '甲', phone: '13800000001' });
    const [issue, ...more] = await issuesOf(v, 'TOO_FEW_CONTACTS', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([first]);
    expect(typeOf(first)).toBe('VisitContact');
    await save('saveVisitContact', v, { name: '乙', phone: '13800000002' });
    expect(await issuesOf(v, 'TOO_FEW_CONTACTS', 'BLOCKER')).toEqual([]);
  });

  it('DIETARY_CONFLICT: a guest who avoids pork and a pork dish; changing the dish clears it', async () => {
    const v = await newVisit();
    const g = await guest(v, { name: '马先生', principalOrder: 1, dietaryRestrictions: [{ category: 'RELIGIOUS', restricted: 'pork', note: '清真' }] });
    const meal = await save('saveMeal', v, {
      kind: 'DINNER',
      startsAt: L('2030-05-10T18:30'),
      dishes: [
        { name: '红烧肉', tags: ['pork'] },
        { name: '青菜', tags: ['vegetable'] },
      ],
    });
    const read = await api.read(coordinator.token, v, 'guests { dietaryRestrictions { id } } meals { dishes { id name } }');
    const restriction = read.guests[0].dietaryRestrictions[0].id;
    const porkDish = read.meals[0].dishes.find((d: any) => d.name === '红烧肉').id;
    const [issue, ...more] = await issuesOf(v, 'DIETARY_CONFLICT', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([g, meal, porkDish, restriction]);
    expect(issue!.recordIds.map(typeOf)).toEqual(['VisitGuest', 'Meal', 'Dish', 'DietaryRestriction']);
    await api
      .save(coordinator.token, 'saveMeal', v, { id: meal, kind: 'DINNER', startsAt: L('2030-05-10T18:30'), dishes: [{ name: '清炖牛肉', tags: ['beef'] }] })
      .then(ok);
    expect(await issuesOf(v, 'DIETARY_CONFLICT', 'BLOCKER')).toEqual([]);
  });

  it('ALCOHOL_AT_WORKING_LUNCH: judged in the tenant zone (Asia/Shanghai); no alcohol clears it', async () => {
    const v = await newVisit();
    await guest(v, { name: '周处长', principalOrder: 1 });
    const lunch = await save('saveMeal', v, { kind: 'LUNCH', startsAt: L('2030-05-10T12:00'), alcoholServed: true });
    // 19:00 in Shanghai is 11:00 UTC: "afternoon" in UTC, but the evening where the visit is.
    const item = await save('saveItineraryItem', v, { kind: 'MEETING', title: '晚间座谈', startsAt: L('2030-05-10T19:00'), endsAt: L('2030-05-10T20:00') });
    expect(await issuesOf(v, 'ALCOHOL_AT_WORKING_LUNCH', 'BLOCKER')).toEqual([]);
    await api
      .save(coordinator.token, 'saveItineraryItem', v, {
        id: item,
        kind: 'MEETING',
        title: '下午座谈',
        startsAt: L('2030-05-10T14:00'),
        endsAt: L('2030-05-10T15:00'),
      })
      .then(ok);
    const [issue, ...more] = await issuesOf(v, 'ALCOHOL_AT_WORKING_LUNCH', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([lunch, item]);
    expect(issue!.recordIds.map(typeOf)).toEqual(['Meal', 'ItineraryItem']);
    await api.save(coordinator.token, 'saveMeal', v, { id: lunch, kind: 'LUNCH', startsAt: L('2030-05-10T12:00'), alcoholServed: false }).then(ok);
    expect(await issuesOf(v, 'ALCOHOL_AT_WORKING_LUNCH', 'BLOCKER')).toEqual([]);
  });

  it('ROOMS_ON_SEVERAL_FLOORS and NO_SPARE_ROOM: rooms on one floor plus a spare clear both', async () => {
    const v = await newVisit({ endsAt: L('2030-05-11T12:00') });
    const a = await guest(v, { name: '甲', principalOrder: 1 });
    const b = await guest(v, { name: '乙' });
    const lodgingInput = (rooms: unknown[]) => ({ hotelName: '国宾馆', checkIn: '2030-05-10', checkOut: '2030-05-11', rooms });
    const lodging = await save(
      'saveLodging',
      v,
      lodgingInput([
        { floor: 5, number: '501', guestIds: [a] },
        { floor: 6, number: '601', guestIds: [b] },
      ]),
    );
    const rooms = (await api.read(coordinator.token, v, 'lodgings { rooms { id } }')).lodgings[0].rooms.map((r: any) => r.id);
    const [floors, ...moreFloors] = await issuesOf(v, 'ROOMS_ON_SEVERAL_FLOORS', 'WARNING');
    expect(moreFloors).toEqual([]);
    expect(floors!.recordIds[0]).toBe(lodging);
    expect(sorted(floors!.recordIds.slice(1))).toEqual(sorted(rooms));
    expect(floors!.recordIds.map(typeOf)).toEqual(['Lodging', 'LodgingRoom', 'LodgingRoom']);
    const [spare, ...moreSpare] = await issuesOf(v, 'NO_SPARE_ROOM', 'WARNING');
    expect(moreSpare).toEqual([]);
    expect(spare!.recordIds).toEqual([lodging]);

    await api
      .save(coordinator.token, 'saveLodging', v, {
        id: lodging,
        ...lodgingInput([
          { floor: 6, number: '602', guestIds: [a] },
          { floor: 6, number: '601', guestIds: [b] },
          { floor: 6, number: '603', isSpare: true },
        ]),
      })
      .then(ok);
    const issues = await api.issues(coordinator.token, v);
    expect(issues.filter((i) => i.code === 'ROOMS_ON_SEVERAL_FLOORS' || i.code === 'NO_SPARE_ROOM')).toEqual([]);
  });

  it('VEHICLE_OVER_CAPACITY and TOO_FEW_SEATS: three guests in two seats; a bigger vehicle clears both', async () => {
    const v = await newVisit();
    const g = [await guest(v, { name: '甲', principalOrder: 1 }), await guest(v, { name: '乙' }), await guest(v, { name: '丙' })];
    const car = await save('saveVehicle', v, { kind: 'SEDAN', seats: 2, plate: '苏A00001', guestIds: g });
    const [over, ...moreOver] = await issuesOf(v, 'VEHICLE_OVER_CAPACITY', 'BLOCKER');
    expect(moreOver).toEqual([]);
    expect(over!.recordIds).toEqual([car]);
    expect(typeOf(car)).toBe('Vehicle');
    const [seats, ...moreSeats] = await issuesOf(v, 'TOO_FEW_SEATS', 'BLOCKER');
    expect(moreSeats).toEqual([]);
    expect(seats!.recordIds).toEqual([car]);
    await api.save(coordinator.token, 'saveVehicle', v, { id: car, kind: 'MINIBUS', seats: 7, plate: '苏A00001', guestIds: g }).then(ok);
    const issues = await api.issues(coordinator.token, v);
    expect(issues.filter((i) => i.code === 'VEHICLE_OVER_CAPACITY' || i.code === 'TOO_FEW_SEATS')).toEqual([]);
  });

  it('ROOM_NOT_INSPECTED and ROOM_UNFIT: rooms with guests are inspected; an unfit room is replaced', async () => {
    const v = await newVisit({ endsAt: L('2030-05-11T12:00') });
    const a = await guest(v, { name: '甲', principalOrder: 1 });
    const b = await guest(v, { name: '乙' });
    const lodgingInput = (rooms: unknown[]) => ({ hotelName: '国宾馆', checkIn: '2030-05-10', checkOut: '2030-05-11', rooms });
    const lodging = await save(
      'saveLodging',
      v,
      lodgingInput([
        { floor: 5, number: '501', guestIds: [a] },
        { floor: 5, number: '502', guestIds: [b] },
        { floor: 5, number: '503', isSpare: true },
      ]),
    );
    const roomsOf = async () =>
      Object.fromEntries(
        (await api.read(coordinator.token, v, 'lodgings { rooms { id number inspectedAt unfitReason } }')).lodgings[0].rooms.map((r: any) => [r.number, r]),
      );
    let rooms = await roomsOf();
    // The visit is in 2030: a WARNING for now, naming the lodging and its rooms with guests (not the empty spare room).
    const [uninspected, ...more] = await issuesOf(v, 'ROOM_NOT_INSPECTED', 'WARNING');
    expect(more).toEqual([]);
    expect(uninspected!.recordIds).toEqual([lodging, ...sorted([rooms['501'].id, rooms['502'].id])]);
    expect(uninspected!.recordIds.map(typeOf)).toEqual(['Lodging', 'LodgingRoom', 'LodgingRoom']);
    expect(uninspected!.message).toContain('by 2030-05-09');

    // Inspected: 502 is found unfit, with 乙 in it: a BLOCKER naming that room.
    await api
      .save(coordinator.token, 'saveLodging', v, {
        id: lodging,
        ...lodgingInput([
          { floor: 5, number: '501', guestIds: [a], inspected: true },
          { floor: 5, number: '502', guestIds: [b], inspected: true, unfitReason: '窗外施工噪音' },
          { floor: 5, number: '503', isSpare: true, inspected: true },
        ]),
      })
      .then(ok);
    expect(await issuesOf(v, 'ROOM_NOT_INSPECTED', 'WARNING')).toEqual([]);
    const [unfit, ...moreUnfit] = await issuesOf(v, 'ROOM_UNFIT', 'BLOCKER');
    expect(moreUnfit).toEqual([]);
    expect(unfit!.recordIds).toEqual([lodging, rooms['502'].id]);
    expect(unfit!.message).toContain('窗外施工噪音');
    const inspected = await roomsOf();
    expect(inspected['502']).toMatchObject({ inspectedAt: expect.any(String), unfitReason: '窗外施工噪音' });

    // Re-saved without the readiness fields (乙 moves to a new room 505, inspected; 502 stays booked, empty):
    // what was recorded is kept, inspection times included.
    await api
      .save(coordinator.token, 'saveLodging', v, {
        id: lodging,
        ...lodgingInput([
          { floor: 5, number: '501', guestIds: [a] },
          { floor: 5, number: '502' },
          { floor: 5, number: '503', isSpare: true },
          { floor: 5, number: '505', guestIds: [b], inspected: true },
        ]),
      })
      .then(ok);
    rooms = await roomsOf();
    expect(rooms['501'].inspectedAt).toBe(inspected['501'].inspectedAt);
    expect(rooms['502']).toEqual(inspected['502']);
    expect(rooms['505'].inspectedAt).toEqual(expect.any(String));
    const issues = await api.issues(coordinator.token, v);
    expect(issues.filter((i) => ['ROOM_UNFIT', 'ROOM_NOT_INSPECTED', 'NO_SPARE_ROOM'].includes(i.code))).toEqual([]);

    // null clears the reason, false the inspection.
    await api
      .save(coordinator.token, 'saveLodging', v, {
        id: lodging,
        ...lodgingInput([
          { floor: 5, number: '501', guestIds: [a], inspected: false },
          { floor: 5, number: '502', unfitReason: null },
          { floor: 5, number: '503', isSpare: true },
          { floor: 5, number: '505', guestIds: [b] },
        ]),
      })
      .then(ok);
    rooms = await roomsOf();
    expect(rooms['501'].inspectedAt).toBeNull();
    expect(rooms['502'].unfitReason).toBeNull();
    expect((await issuesOf(v, 'ROOM_NOT_INSPECTED', 'WARNING')).map((i) => i.recordIds)).toEqual([[lodging, rooms['501'].id]]);
  });

  it('VEHICLE_NOT_CHECKED and DRIVER_NOT_BRIEFED: WARNINGs for a visit ahead; checking and briefing clear them', async () => {
    const v = await newVisit();
    const g = await guest(v, { name: '甲', principalOrder: 1 });
    const input = { kind: 'SEDAN', seats: 4, plate: '苏A00002', driverName: '吴师傅', guestIds: [g] };
    const car = await save('saveVehicle', v, input);
    const [unchecked, ...moreUnchecked] = await issuesOf(v, 'VEHICLE_NOT_CHECKED', 'WARNING');
    expect(moreUnchecked).toEqual([]);
    expect(unchecked!.recordIds).toEqual([car]);
    expect(unchecked!.message).toContain('苏A00002');
    const [briefing, ...moreBriefing] = await issuesOf(v, 'DRIVER_NOT_BRIEFED', 'WARNING');
    expect(moreBriefing).toEqual([]);
    expect(briefing!.recordIds).toEqual([car]);
    expect(briefing!.message).toContain('吴师傅');

    await api.save(coordinator.token, 'saveVehicle', v, { id: car, ...input, checked: true, driverBriefed: true }).then(ok);
    const read = async () => (await api.read(coordinator.token, v, 'vehicles { checkedAt driverBriefed }')).vehicles[0];
    const checked = await read();
    expect(checked).toEqual({ checkedAt: expect.any(String), driverBriefed: true });
    const issues = await api.issues(coordinator.token, v);
    expect(issues.filter((i) => i.code === 'VEHICLE_NOT_CHECKED' || i.code === 'DRIVER_NOT_BRIEFED')).toEqual([]);
    // Re-saved as checked, or without the readiness fields: the check keeps its time.
    await api.save(coordinator.token, 'saveVehicle', v, { id: car, ...input, checked: true }).then(ok);
    await api.save(coordinator.token, 'saveVehicle', v, { id: car, ...input, seats: 5 }).then(ok);
    expect(await read()).toEqual(checked);
    await api.save(coordinator.token, 'saveVehicle', v, { id: car, ...input, checked: false, driverBriefed: false }).then(ok);
    expect(await read()).toEqual({ checkedAt: null, driverBriefed: false });
    expect(await issuesOf(v, 'VEHICLE_NOT_CHECKED', 'WARNING')).toHaveLength(1);
  });

  it('readiness blocks from the local day before the visit: a visit starting within hours is not submitted until it is done', async () => {
    // Tomorrow in Shanghai (UTC+8), 10:00–12:00: readiness is due today.
    const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
    const v = await newVisit({ startsAt: L(`${tomorrow}T10:00`), endsAt: L(`${tomorrow}T12:00`) });
    const g = await guest(v, { name: '甲', principalOrder: 1 });
    await save('saveVisitContact', v, { name: '联络员甲', phone: '13800000021' });
    await save('saveVisitContact', v, { name: '联络员乙', phone: '13800000022' });
    const car = await save('saveVehicle', v, { kind: 'SEDAN', seats: 4, driverBriefed: true, guestIds: [g] });
    const [unchecked] = await issuesOf(v, 'VEHICLE_NOT_CHECKED', 'BLOCKER');
    expect(unchecked!.recordIds).toEqual([car]);
    const refusedSubmit = await api.submit(coordinator.token, v);
    expect(refusedSubmit).toMatchObject({ __typename: 'VisitError', code: 'PLAN_HAS_BLOCKERS' });
    expect(refusedSubmit.message).toContain('VEHICLE_NOT_CHECKED');
    await api.save(coordinator.token, 'saveVehicle', v, { id: car, kind: 'SEDAN', seats: 4, checked: true, guestIds: [g] }).then(ok);
    expect(await issuesOf(v, 'VEHICLE_NOT_CHECKED', 'BLOCKER')).toEqual([]);
    expect(ok(await api.submit(coordinator.token, v)).visit.status).toBe('PENDING_APPROVAL');
  });

  it("HOST_RANK_BELOW_GUEST: uses the member's rank from the ladder; a polite explanation clears it", async () => {
    const v = await newVisit();
    const g = await guest(v, { name: '王局长', principalOrder: 1, rankLevel: 5 });
    const host = await save('saveVisitHost', v, { membershipId: juniorHost.membershipId, role: 'HOST_LEADER' });
    const [issue, ...more] = await issuesOf(v, 'HOST_RANK_BELOW_GUEST', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([host, g]);
    expect(issue!.recordIds.map(typeOf)).toEqual(['VisitHost', 'VisitGuest']);
    await api
      .save(coordinator.token, 'saveVisitHost', v, {
        id: host,
        membershipId: juniorHost.membershipId,
        role: 'HOST_LEADER',
        rankExplanation: '主要领导外出开会,由分管领导代为接待',
      })
      .then(ok);
    expect(await issuesOf(v, 'HOST_RANK_BELOW_GUEST', 'BLOCKER')).toEqual([]);
    // A host of equal rank needs no explanation.
    const v2 = await newVisit();
    await guest(v2, { name: '王局长', principalOrder: 1, rankLevel: 5 });
    await save('saveVisitHost', v2, { membershipId: hostLeader.membershipId, role: 'HOST_LEADER' });
    expect(await issuesOf(v2, 'HOST_RANK_BELOW_GUEST', 'BLOCKER')).toEqual([]);
  });

  it('BREAKFAST_TOO_LATE: 07:50 breakfast before an 08:00 meeting (Shanghai; different UTC days); 07:30 clears it', async () => {
    const v = await newVisit({ startsAt: L('2030-05-10T07:00'), endsAt: L('2030-05-10T12:00') });
    await guest(v, { name: '甲', principalOrder: 1 });
    const breakfast = await save('saveMeal', v, { kind: 'BREAKFAST', startsAt: L('2030-05-10T07:50'), place: '酒店' });
    const meeting = await save('saveItineraryItem', v, { kind: 'MEETING', title: '早会', startsAt: L('2030-05-10T08:00'), endsAt: L('2030-05-10T09:00') });
    const [issue, ...more] = await issuesOf(v, 'BREAKFAST_TOO_LATE', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([breakfast, meeting]);
    expect(issue!.message).toContain('07:50');
    await api.save(coordinator.token, 'saveMeal', v, { id: breakfast, kind: 'BREAKFAST', startsAt: L('2030-05-10T07:30'), place: '酒店' }).then(ok);
    expect(await issuesOf(v, 'BREAKFAST_TOO_LATE', 'BLOCKER')).toEqual([]);
  });

  it("BREAKFAST_AWAY_FROM_HOTEL: judged against the hotel of the night before (local dates); the hotel's own restaurant clears it", async () => {
    const v = await newVisit({ endsAt: L('2030-05-11T12:00') });
    const a = await guest(v, { name: '甲', principalOrder: 1 });
    const lodging = await save('saveLodging', v, {
      hotelName: '国宾馆',
      checkIn: '2030-05-10',
      checkOut: '2030-05-11',
      rooms: [
        { floor: 3, number: '301', guestIds: [a], inspected: true },
        { floor: 3, number: '302', isSpare: true },
      ],
    });
    // 07:30 on 11 May in Shanghai is 23:30 UTC on 10 May: the night before is that of 10 May, at 国宾馆.
    const breakfast = await save('saveMeal', v, { kind: 'BREAKFAST', startsAt: L('2030-05-11T07:30'), place: '老街茶楼' });
    const [issue, ...more] = await issuesOf(v, 'BREAKFAST_AWAY_FROM_HOTEL', 'WARNING');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([breakfast, lodging]);
    expect(issue!.recordIds.map(typeOf)).toEqual(['Meal', 'Lodging']);
    expect(issue!.message).toContain('2030-05-11');
    await api.save(coordinator.token, 'saveMeal', v, { id: breakfast, kind: 'BREAKFAST', startsAt: L('2030-05-11T07:30'), place: '国宾馆自助餐厅' }).then(ok);
    expect(await issuesOf(v, 'BREAKFAST_AWAY_FROM_HOTEL', 'WARNING')).toEqual([]);
  });

  it('GIFTS_OVER_BUDGET: one piece per guest, more than the gift budget; a budget that covers them clears it', async () => {
    const v = await newVisit();
    await guest(v, { name: '甲', principalOrder: 1 });
    await guest(v, { name: '乙' });
    const gift = await save('saveGift', v, { item: '本地特产礼盒', value: '300.00', tags: ['local'] }); // the whole delegation: 2 × 300.00
    const line = await save('saveBudgetLine', v, { category: 'GIFTS', planned: '500.00' });
    const [issue, ...more] = await issuesOf(v, 'GIFTS_OVER_BUDGET', 'WARNING');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([gift, line]);
    expect(issue!.recordIds.map(typeOf)).toEqual(['Gift', 'BudgetLine']);
    expect(issue!.message).toContain('600.00');
    await api.save(coordinator.token, 'saveBudgetLine', v, { id: line, category: 'GIFTS', planned: '600.00' }).then(ok);
    expect(await issuesOf(v, 'GIFTS_OVER_BUDGET', 'WARNING')).toEqual([]);
  });

  it('ALLOWANCE_AFTER_MEETING: a meal allowance payable after the meeting starts; paying it before clears it', async () => {
    const v = await newVisit();
    await guest(v, { name: '甲', principalOrder: 1 });
    const meeting = await save('saveItineraryItem', v, { kind: 'MEETING', title: '座谈会', startsAt: L('2030-05-10T09:00'), endsAt: L('2030-05-10T11:00') });
    const line = await save('saveBudgetLine', v, { category: 'MEAL_ALLOWANCE', planned: '100.00', payableAt: L('2030-05-10T10:00') });
    const [issue, ...more] = await issuesOf(v, 'ALLOWANCE_AFTER_MEETING', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([line, meeting]);
    expect(issue!.recordIds.map(typeOf)).toEqual(['BudgetLine', 'ItineraryItem']);
    await api
      .save(coordinator.token, 'saveBudgetLine', v, { id: line, category: 'MEAL_ALLOWANCE', planned: '100.00', payableAt: L('2030-05-10T08:30') })
      .then(ok);
    expect(await issuesOf(v, 'ALLOWANCE_AFTER_MEETING', 'BLOCKER')).toEqual([]);
  });

  it('ITINERARY_OVERLAP: two items at the same time; moving one clears it', async () => {
    const v = await newVisit();
    const a = await save('saveItineraryItem', v, {
      kind: 'MEETING',
      title: '座谈',
      startsAt: L('2030-05-10T09:00'),
      endsAt: L('2030-05-10T10:00'),
      place: '会议室',
    });
    const b = await save('saveItineraryItem', v, {
      kind: 'SITE_VISIT',
      title: '考察',
      startsAt: L('2030-05-10T09:30'),
      endsAt: L('2030-05-10T10:30'),
      place: '会议室',
    });
    const [issue, ...more] = await issuesOf(v, 'ITINERARY_OVERLAP', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([a, b]);
    await api
      .save(coordinator.token, 'saveItineraryItem', v, {
        id: b,
        kind: 'SITE_VISIT',
        title: '考察',
        startsAt: L('2030-05-10T10:30'),
        endsAt: L('2030-05-10T11:30'),
        place: '会议室',
      })
      .then(ok);
    expect(await issuesOf(v, 'ITINERARY_OVERLAP', 'BLOCKER')).toEqual([]);
  });

  it('GUEST_WITHOUT_LODGING: nights counted in local dates; a room for them clears it', async () => {
    // Starts 00:30 on 10 May in Shanghai = 16:30 UTC on 9 May: the nights are those of 10 and 11 May.
    const v = await newVisit({ startsAt: L('2030-05-10T00:30'), endsAt: L('2030-05-12T18:00') });
    const a = await guest(v, { name: '甲', principalOrder: 1 });
    const b = await guest(v, { name: '乙' });
    const lodging = await save('saveLodging', v, {
      hotelName: '国宾馆',
      checkIn: '2030-05-10',
      checkOut: '2030-05-12',
      rooms: [
        { floor: 3, number: '301', guestIds: [a] },
        { floor: 3, number: '302', isSpare: true },
      ],
    });
    const [issue, ...more] = await issuesOf(v, 'GUEST_WITHOUT_LODGING', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([b]);
    expect(issue!.message).toContain('2030-05-10 to 2030-05-11');
    await api
      .save(coordinator.token, 'saveLodging', v, {
        id: lodging,
        hotelName: '国宾馆',
        checkIn: '2030-05-10',
        checkOut: '2030-05-12',
        rooms: [
          { floor: 3, number: '301', guestIds: [a] },
          { floor: 3, number: '303', guestIds: [b] },
          { floor: 3, number: '302', isSpare: true },
        ],
      })
      .then(ok);
    expect(await issuesOf(v, 'GUEST_WITHOUT_LODGING', 'BLOCKER')).toEqual([]);
  });

  it('IMPORTANT_LEADER_NOT_ESCALATED: names the visit; recordVisitEscalation clears it', async () => {
    const v = await newVisit({ includesImportantLeader: true });
    const [issue, ...more] = await issuesOf(v, 'IMPORTANT_LEADER_NOT_ESCALATED', 'BLOCKER');
    expect(more).toEqual([]);
    expect(issue!.recordIds).toEqual([v]);
    expect(typeOf(v)).toBe('Visit');
    const escalated = ok(await api.escalate(coordinator.token, v, '已向市领导汇报'));
    expect(escalated.visit.version).toBe(2);
    expect(await issuesOf(v, 'IMPORTANT_LEADER_NOT_ESCALATED', 'BLOCKER')).toEqual([]);
    const read = await api.read(coordinator.token, v, 'escalatedAt escalationNote');
    expect(read).toEqual({ escalatedAt: expect.any(String), escalationNote: '已向市领导汇报' });
  });

  it('global ids in issues are those of the records, usable with node(id:)', async () => {
    const v = await newVisit();
    const g = await guest(v, { name: '甲', dietaryRestrictions: [{ category: 'PERSONAL', restricted: 'nuts' }] });
    await save('saveMeal', v, { kind: 'DINNER', startsAt: L('2030-05-10T18:00'), dishes: [{ name: '腰果虾仁', tags: ['nuts'] }] });
    const [issue] = await issuesOf(v, 'DIETARY_CONFLICT', 'BLOCKER');
    const res = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, { ids: issue!.recordIds }, { token: coordinator.token });
    expect(res.data.nodes.map((n: any) => n.__typename)).toEqual(['VisitGuest', 'Meal', 'Dish', 'DietaryRestriction']);
    expect(res.data.nodes[0].id).toBe(g);
    expect(globalId('VisitGuest', rawId(g))).toBe(g);
  });
});
