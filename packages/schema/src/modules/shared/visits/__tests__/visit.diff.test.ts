import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIFF_KINDS, diffPlans, isEmptyDiff, nodeOf, type PlanDiff } from '../visit.diff.ts';
import type { PlanGuest, PlanLodging, PlanMeal, VisitPlan } from '../visit.plan.ts';

// ---------------------------------------------------------------------------------------------
// Factory: a small plan in Asia/Shanghai with one record of every kind (and nested ones).

function basePlan(overrides: Partial<VisitPlan> = {}): VisitPlan {
  return {
    id: 'visit-1',
    title: 'Provincial work inspection',
    purpose: 'WORK_INSPECTION',
    status: 'PLANNING',
    receptionLevel: 'Department level',
    visitingOrganization: 'Provincial Office',
    startsAt: '2024-05-01T01:00:00Z',
    endsAt: '2024-05-02T09:00:00Z',
    timeZone: 'Asia/Shanghai',
    includesImportantLeader: false,
    guests: [
      {
        id: 'g1',
        name: 'Wang Wei',
        gender: 'MALE',
        ethnicity: 'Han',
        title: 'Director',
        rankLevel: 5,
        organization: 'Provincial Office',
        unit: null,
        principalOrder: 1,
        dietaryRestrictions: [],
      },
      {
        id: 'g2',
        name: 'Ma Lin',
        gender: 'FEMALE',
        ethnicity: 'Hui',
        title: null,
        rankLevel: 7,
        organization: null,
        unit: null,
        principalOrder: null,
        dietaryRestrictions: [{ id: 'g2-pork', category: 'RELIGIOUS', restricted: 'pork', note: null }],
      },
    ],
    contacts: [
      { id: 'c1', name: 'Zhang San', phone: '13800000001', role: 'secretary' },
      { id: 'c2', name: 'Zhao Si', phone: '13900000002', role: null },
    ],
    travel: [
      {
        id: 't1',
        direction: 'INBOUND',
        mode: 'CAR',
        origin: 'Provincial capital',
        destination: 'City Hall',
        departureAt: '2024-05-01T00:00:00Z',
        arrivalAt: '2024-05-01T01:00:00Z',
        vehicleType: 'minibus',
        plate: '京A12345',
        driverCount: 1,
        actualDepartureAt: null,
        expectedArrivalAt: null,
      },
    ],
    hosts: [
      {
        id: 'h1',
        membershipId: 'mem-1',
        displayName: 'Director Chen',
        role: 'HOST_LEADER',
        rankLevel: 5,
        unit: null,
        rankExplanation: null,
      },
    ],
    itinerary: [
      {
        id: 'i1',
        kind: 'MEETING',
        title: 'Work meeting',
        startsAt: '2024-05-01T02:00:00Z',
        endsAt: '2024-05-01T03:30:00Z',
        place: 'City Hall',
        responsibleMembershipId: 'mem-1',
      },
    ],
    lodgings: [
      {
        id: 'l1',
        hotelName: 'Riverside Hotel',
        checkIn: '2024-05-01',
        checkOut: '2024-05-02',
        rooms: [
          { id: 'r801', floor: 8, number: '801', roomType: 'single', isSpare: false, guestIds: ['g1'], inspectedAt: null, unfitReason: null },
          { id: 'r802', floor: 8, number: '802', roomType: 'single', isSpare: false, guestIds: ['g2'], inspectedAt: null, unfitReason: null },
          { id: 'r803', floor: 8, number: '803', roomType: 'single', isSpare: true, guestIds: [], inspectedAt: null, unfitReason: null },
        ],
      },
    ],
    meals: [
      {
        id: 'm1',
        kind: 'LUNCH',
        startsAt: '2024-05-01T04:00:00Z', // 12:00 in Shanghai
        place: 'Hotel restaurant',
        alcoholServed: false,
        guestIds: ['g1', 'g2'],
        dishes: [
          { id: 'd1', name: 'Mapo tofu', tags: ['tofu', 'chili'] },
          { id: 'd2', name: 'Steamed fish', tags: ['seafood'] },
        ],
      },
    ],
    vehicles: [
      { id: 'v1', kind: 'MINIBUS', seats: 6, plate: '京B54321', driverName: 'Driver Wu', driverBriefed: false, checkedAt: null, guestIds: ['g1', 'g2'] },
    ],
    gifts: [{ id: 'gift1', item: 'Green tea', value: '200.00', tags: ['tea'], recipientGuestIds: ['g1', 'g2'] }],
    budget: [{ id: 'b1', category: 'MEETING_SUBSIDY', description: 'Meeting subsidy', planned: '300.00', actual: null, payableAt: '2024-05-01T01:30:00Z' }],
    ...overrides,
  };
}

function refs(diffPart: { kind: string; id: string }[]): string[] {
  return diffPart.map((r) => `${r.kind}:${r.id}`);
}

describe('diffPlans', () => {
  it('finds no change between a plan and itself', () => {
    const diff = diffPlans(basePlan(), basePlan());
    expect(diff).toEqual({ added: [], removed: [], changed: [], visit: [] });
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it('lists added and removed records with labels', () => {
    const before = basePlan();
    const after = basePlan({
      guests: [...before.guests, { ...before.guests[0]!, id: 'g3', name: 'Zhou Jie', principalOrder: null, dietaryRestrictions: [] }],
      meals: [],
    });
    const diff = diffPlans(before, after);
    expect(diff.added).toEqual([{ kind: 'guest', id: 'g3', label: 'Zhou Jie' }]);
    expect(diff.removed).toEqual([
      { kind: 'meal', id: 'm1', label: 'lunch 2024-05-01 12:00' }, // 04:00Z in Asia/Shanghai
      { kind: 'dish', id: 'd1', label: 'Mapo tofu (lunch 2024-05-01 12:00)' },
      { kind: 'dish', id: 'd2', label: 'Steamed fish (lunch 2024-05-01 12:00)' },
    ]);
    expect(diff.changed).toEqual([]);
  });

  it('lists changed fields of a record, before and after', () => {
    const before = basePlan();
    const after = basePlan({ guests: [{ ...before.guests[0]!, title: 'Deputy Director', rankLevel: 6 }, before.guests[1]!] });
    expect(diffPlans(before, after).changed).toEqual([
      {
        kind: 'guest',
        id: 'g1',
        label: 'Wang Wei',
        changes: [
          { field: 'title', before: 'Director', after: 'Deputy Director' },
          { field: 'rankLevel', before: 5, after: 6 },
        ],
      },
    ]);
  });

  it('diffs nested records as records of their own kind, not as a change of their parent', () => {
    const before = basePlan();
    const g2: PlanGuest = {
      ...before.guests[1]!,
      dietaryRestrictions: [
        { id: 'g2-pork', category: 'RELIGIOUS', restricted: 'pork', note: 'halal only' },
        { id: 'g2-alcohol', category: 'RELIGIOUS', restricted: 'alcohol', note: null },
      ],
    };
    const meal: PlanMeal = { ...before.meals[0]!, dishes: [before.meals[0]!.dishes[0]!, { id: 'd2', name: 'Steamed fish', tags: ['seafood', 'ginger'] }] };
    const diff = diffPlans(before, basePlan({ guests: [before.guests[0]!, g2], meals: [meal] }));
    expect(diff.added).toEqual([{ kind: 'dietaryRestriction', id: 'g2-alcohol', label: 'Ma Lin: no alcohol (religious)' }]);
    expect(diff.changed).toEqual([
      {
        kind: 'dietaryRestriction',
        id: 'g2-pork',
        label: 'Ma Lin: no pork (religious)',
        changes: [{ field: 'note', before: null, after: 'halal only' }],
      },
      {
        kind: 'dish',
        id: 'd2',
        label: 'Steamed fish (lunch 2024-05-01 12:00)',
        changes: [{ field: 'tags', before: ['seafood'], after: ['seafood', 'ginger'] }],
      },
    ]);
  });

  it('does not diff readiness: rooms inspected or found unfit, vehicles checked, drivers briefed', () => {
    const before = basePlan();
    const after = basePlan({
      lodgings: [
        {
          ...before.lodgings[0]!,
          rooms: before.lodgings[0]!.rooms.map((r) => ({ ...r, inspectedAt: '2024-04-29T02:00:00Z', unfitReason: r.id === 'r803' ? 'damp' : null })),
        },
      ],
      vehicles: [{ ...before.vehicles[0]!, driverBriefed: true, checkedAt: '2024-04-30T08:00:00Z' }],
    });
    expect(isEmptyDiff(diffPlans(before, after))).toBe(true);
    // … while the same save with a plan change shows only that change.
    const reseated = { ...after, vehicles: [{ ...after.vehicles[0]!, seats: 7 }] };
    expect(diffPlans(before, reseated).changed).toEqual([
      { kind: 'vehicle', id: 'v1', label: 'minibus 京B54321', changes: [{ field: 'seats', before: 6, after: 7 }] },
    ]);
  });

  it('shows a room moved to another lodging as a change of its lodgingId', () => {
    const before = basePlan();
    const [r801, r802, r803] = before.lodgings[0]!.rooms;
    const after = basePlan({
      lodgings: [
        { ...before.lodgings[0]!, rooms: [r801!, r803!] },
        { id: 'l2', hotelName: 'Garden Hotel', checkIn: '2024-05-01', checkOut: '2024-05-02', rooms: [r802!] },
      ] satisfies PlanLodging[],
    });
    const diff = diffPlans(before, after);
    expect(diff.added).toEqual([{ kind: 'lodging', id: 'l2', label: 'Garden Hotel' }]);
    expect(diff.changed).toEqual([{ kind: 'room', id: 'r802', label: 'Garden Hotel room 802', changes: [{ field: 'lodgingId', before: 'l1', after: 'l2' }] }]);
  });

  it('compares array-valued fields as sets', () => {
    const before = basePlan();
    const reordered = basePlan({
      meals: [
        { ...before.meals[0]!, guestIds: ['g2', 'g1'], dishes: [{ ...before.meals[0]!.dishes[0]!, tags: ['chili', 'tofu'] }, before.meals[0]!.dishes[1]!] },
      ],
      vehicles: [{ ...before.vehicles[0]!, guestIds: ['g2', 'g1'] }],
      gifts: [{ ...before.gifts[0]!, recipientGuestIds: ['g2', 'g1'] }],
    });
    expect(isEmptyDiff(diffPlans(before, reordered))).toBe(true);

    const fewer = basePlan({ vehicles: [{ ...before.vehicles[0]!, guestIds: ['g1'] }] });
    expect(diffPlans(before, fewer).changed).toEqual([
      { kind: 'vehicle', id: 'v1', label: 'minibus 京B54321', changes: [{ field: 'guestIds', before: ['g1', 'g2'], after: ['g1'] }] },
    ]);
  });

  it('tells "the whole delegation" (null) from an empty guest list', () => {
    const before = basePlan({ meals: [{ ...basePlan().meals[0]!, guestIds: null }] });
    const after = basePlan({ meals: [{ ...basePlan().meals[0]!, guestIds: [] }] });
    expect(diffPlans(before, after).changed).toEqual([
      { kind: 'meal', id: 'm1', label: 'lunch 2024-05-01 12:00', changes: [{ field: 'guestIds', before: null, after: [] }] },
    ]);
  });

  it('diffs the sections modules add (plan.extensions) by record id, fields in name order, naming the node of each record', () => {
    const seat = (id: string, seatNo: number | null, rule: string | null) => ({
      id,
      label: `seat ${id}`,
      node: { type: 'Meal', id: 'm1' },
      fields: { table: seatNo === null ? null : 1, seat: seatNo, rule },
    });
    const before = basePlan({ extensions: { banquetSeat: [seat('m1:a', 8, 'FIRST_GUEST_HOST_RIGHT'), seat('m1:b', 5, null)], gone: [seat('x', 1, null)] } });
    const after = basePlan({ extensions: { banquetSeat: [seat('m1:a', 5, 'FIRST_GUEST_HOST_RIGHT'), seat('m1:b', 8, null), seat('m1:c', null, null)] } });
    const diff = diffPlans(before, after);
    expect(diff.added).toEqual([{ kind: 'banquetSeat', id: 'm1:c', label: 'seat m1:c', node: { type: 'Meal', id: 'm1' } }]);
    expect(diff.removed).toEqual([{ kind: 'gone', id: 'x', label: 'seat x', node: { type: 'Meal', id: 'm1' } }]);
    expect(diff.changed.map((c) => [c.id, c.changes])).toEqual([
      ['m1:a', [{ field: 'seat', before: 8, after: 5 }]],
      ['m1:b', [{ field: 'seat', before: 5, after: 8 }]],
    ]);
    expect(diff.changed.map(nodeOf)).toEqual([
      { type: 'Meal', id: 'm1' },
      { type: 'Meal', id: 'm1' },
    ]);
    // A plan's own records name themselves; a version without sections diffs like an empty one.
    expect(nodeOf({ kind: 'room', id: 'r1', label: '' })).toEqual({ type: 'LodgingRoom', id: 'r1' });
    expect(isEmptyDiff(diffPlans(basePlan(), basePlan({ extensions: {} })))).toBe(true);
    expect(isEmptyDiff(diffPlans(before, structuredClone(before)))).toBe(true);
  });

  it("lists the visit's own changed fields, but not its status", () => {
    const before = basePlan();
    const after = basePlan({ title: 'Provincial inspection', includesImportantLeader: true, status: 'APPROVED' });
    expect(diffPlans(before, after).visit).toEqual([
      { field: 'title', before: 'Provincial work inspection', after: 'Provincial inspection' },
      { field: 'includesImportantLeader', before: false, after: true },
    ]);
    expect(isEmptyDiff(diffPlans(before, basePlan({ status: 'APPROVED' })))).toBe(true);
  });

  it('orders records by kind, then id', () => {
    const before = basePlan({ guests: [], contacts: [], budget: [] });
    const after = basePlan();
    expect(refs(diffPlans(before, after).added)).toEqual(['guest:g1', 'guest:g2', 'dietaryRestriction:g2-pork', 'contact:c1', 'contact:c2', 'budgetLine:b1']);
  });

  it('labels every kind of record by a human name', () => {
    const labels = diffPlans(
      basePlan({ guests: [], contacts: [], travel: [], hosts: [], itinerary: [], lodgings: [], meals: [], vehicles: [], gifts: [], budget: [] }),
      basePlan(),
    ).added.map((r) => [r.kind, r.label]);
    expect(labels).toEqual([
      ['guest', 'Wang Wei'],
      ['guest', 'Ma Lin'],
      ['dietaryRestriction', 'Ma Lin: no pork (religious)'],
      ['contact', 'Zhang San'],
      ['contact', 'Zhao Si'],
      ['travelLeg', 'inbound car Provincial capital → City Hall'],
      ['host', 'Director Chen'],
      ['itineraryItem', 'Work meeting'],
      ['lodging', 'Riverside Hotel'],
      ['room', 'Riverside Hotel room 801'],
      ['room', 'Riverside Hotel room 802'],
      ['room', 'Riverside Hotel room 803'],
      ['meal', 'lunch 2024-05-01 12:00'],
      ['dish', 'Mapo tofu (lunch 2024-05-01 12:00)'],
      ['dish', 'Steamed fish (lunch 2024-05-01 12:00)'],
      ['vehicle', 'minibus 京B54321'],
      ['gift', 'Green tea'],
      ['budgetLine', 'meeting_subsidy: Meeting subsidy'],
    ]);
    expect(new Set(labels.map(([kind]) => kind))).toEqual(new Set(DIFF_KINDS));
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: two arbitrary plans drawn from small pools share ids and values, so they differ a little.

const text = fc.constantFrom('A', 'B', 'C');
const maybeText = fc.option(text, { nil: null });
const iso = fc.constantFrom('2024-05-01T00:00:00Z', '2024-05-01T04:00:00Z', '2024-05-01T16:30:00Z', 'not a date');
const guestRefs = fc.subarray(['g0', 'g1', 'g2', 'g3']);
const tags = fc.subarray(['pork', 'beef', 'alcohol', 'tea']);
const small = fc.option(fc.integer({ min: 1, max: 3 }), { nil: null });

function listOf<T>(prefix: string, record: fc.Arbitrary<T>, maxLength = 3): fc.Arbitrary<(T & { id: string })[]> {
  return fc.array(record, { maxLength }).map((xs) => xs.map((x, i) => ({ ...x, id: `${prefix}${i}` })));
}

/** Nested ids are global (not prefixed by the parent), so records can move between parents. */
function nested<T>(prefix: string, record: fc.Arbitrary<T>): fc.Arbitrary<(T & { id: string })[]> {
  return fc
    .uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 2 })
    .chain((ns) => fc.tuple(...ns.map(() => record)).map((xs) => xs.map((x, i) => ({ ...x, id: `${prefix}${ns[i]}` }))));
}

/** Every record appears at most once in a plan: nested records keep the first parent that claims them. */
function dedupeNested(plan: VisitPlan): VisitPlan {
  const seen = new Set<string>();
  const keep = <T extends { id: string }>(xs: T[]) => xs.filter((x) => !seen.has(x.id) && seen.add(x.id));
  return {
    ...plan,
    guests: plan.guests.map((g) => ({ ...g, dietaryRestrictions: keep(g.dietaryRestrictions) })),
    lodgings: plan.lodgings.map((l) => ({ ...l, rooms: keep(l.rooms) })),
    meals: plan.meals.map((m) => ({ ...m, dishes: keep(m.dishes) })),
  };
}

const planArb: fc.Arbitrary<VisitPlan> = fc
  .record({
    id: fc.constant('visit'),
    title: text,
    purpose: fc.constantFrom('LEADER_VISIT', 'OTHER') as fc.Arbitrary<VisitPlan['purpose']>,
    status: fc.constantFrom('PLANNING', 'APPROVED') as fc.Arbitrary<VisitPlan['status']>,
    receptionLevel: maybeText,
    visitingOrganization: maybeText,
    startsAt: iso,
    endsAt: iso,
    timeZone: fc.constantFrom('Asia/Shanghai', 'UTC', 'Bad/Zone'),
    includesImportantLeader: fc.boolean(),
    guests: listOf(
      'g',
      fc.record({
        name: text,
        gender: fc.constantFrom('FEMALE', 'MALE') as fc.Arbitrary<PlanGuest['gender']>,
        ethnicity: maybeText,
        title: maybeText,
        rankLevel: small,
        organization: maybeText,
        unit: maybeText,
        principalOrder: small,
        dietaryRestrictions: nested(
          'r',
          fc.record({
            category: fc.constantFrom('RELIGIOUS', 'PERSONAL') as fc.Arbitrary<'RELIGIOUS' | 'PERSONAL'>,
            restricted: fc.constantFrom('pork', 'alcohol'),
            note: maybeText,
          }),
        ),
      }),
      4,
    ),
    contacts: listOf('c', fc.record({ name: text, phone: fc.constantFrom('', '138', '139'), role: maybeText })),
    travel: listOf(
      't',
      fc.record({
        direction: fc.constantFrom('INBOUND', 'OUTBOUND') as fc.Arbitrary<'INBOUND' | 'OUTBOUND'>,
        mode: fc.constantFrom('CAR', 'TRAIN') as fc.Arbitrary<'CAR' | 'TRAIN'>,
        origin: maybeText,
        destination: maybeText,
        departureAt: fc.option(iso, { nil: null }),
        arrivalAt: fc.option(iso, { nil: null }),
        vehicleType: maybeText,
        plate: maybeText,
        driverCount: small,
        actualDepartureAt: fc.option(iso, { nil: null }),
        expectedArrivalAt: fc.option(iso, { nil: null }),
      }),
    ),
    hosts: listOf(
      'h',
      fc.record({
        membershipId: text,
        displayName: text,
        role: fc.constantFrom('HOST_LEADER', 'GREETER') as fc.Arbitrary<'HOST_LEADER' | 'GREETER'>,
        rankLevel: small,
        unit: maybeText,
        rankExplanation: maybeText,
      }),
    ),
    itinerary: listOf(
      'i',
      fc.record({
        kind: fc.constantFrom('MEETING', 'MEAL') as fc.Arbitrary<'MEETING' | 'MEAL'>,
        title: text,
        startsAt: iso,
        endsAt: iso,
        place: maybeText,
        responsibleMembershipId: maybeText,
      }),
    ),
    lodgings: listOf(
      'l',
      fc.record({
        hotelName: text,
        checkIn: fc.constantFrom('2024-05-01', '2024-05-02'),
        checkOut: fc.constantFrom('2024-05-02', '2024-05-03'),
        rooms: nested(
          'room',
          fc.record({
            floor: small,
            number: text,
            roomType: maybeText,
            isSpare: fc.boolean(),
            guestIds: guestRefs,
            inspectedAt: fc.option(iso, { nil: null }),
            unfitReason: maybeText,
          }),
        ),
      }),
      2,
    ),
    meals: listOf(
      'm',
      fc.record({
        kind: fc.constantFrom('LUNCH', 'DINNER') as fc.Arbitrary<'LUNCH' | 'DINNER'>,
        startsAt: iso,
        place: maybeText,
        alcoholServed: fc.boolean(),
        guestIds: fc.option(guestRefs, { nil: null }),
        dishes: nested('d', fc.record({ name: text, tags })),
      }),
      2,
    ),
    vehicles: listOf(
      'v',
      fc.record({
        kind: fc.constantFrom('SEDAN', 'COACH') as fc.Arbitrary<'SEDAN' | 'COACH'>,
        seats: fc.integer({ min: 1, max: 4 }),
        plate: maybeText,
        driverName: maybeText,
        driverBriefed: fc.boolean(),
        checkedAt: fc.option(iso, { nil: null }),
        guestIds: guestRefs,
      }),
    ),
    gifts: listOf('gift', fc.record({ item: text, value: maybeText, tags, recipientGuestIds: guestRefs })),
    budget: listOf(
      'b',
      fc.record({
        category: fc.constantFrom('LODGING', 'MEETING_SUBSIDY') as fc.Arbitrary<'LODGING' | 'MEETING_SUBSIDY'>,
        description: maybeText,
        planned: fc.constantFrom('100.00', '200.00'),
        actual: fc.option(fc.constantFrom('100.00', '200.00'), { nil: null }),
        payableAt: fc.option(iso, { nil: null }),
      }),
    ),
  })
  .map(dedupeNested);

function keys(diff: PlanDiff) {
  return {
    added: refs(diff.added),
    removed: refs(diff.removed),
    changed: refs(diff.changed),
  };
}

describe('diffPlans on arbitrary plans', () => {
  it('finds nothing between a plan and itself (or a copy with its lists reordered)', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(isEmptyDiff(diffPlans(plan, plan))).toBe(true);
        expect(isEmptyDiff(diffPlans(plan, structuredClone(plan)))).toBe(true);
        const shuffled: VisitPlan = {
          ...plan,
          guests: [...plan.guests].reverse(),
          lodgings: [...plan.lodgings].reverse().map((l) => ({ ...l, rooms: [...l.rooms].reverse() })),
          meals: [...plan.meals].reverse().map((m) => ({ ...m, guestIds: m.guestIds && [...m.guestIds].reverse() })),
          vehicles: [...plan.vehicles].reverse().map((v) => ({ ...v, guestIds: [...v.guestIds].reverse() })),
        };
        expect(isEmptyDiff(diffPlans(plan, shuffled))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is the mirror image of the reverse diff', () => {
    fc.assert(
      fc.property(planArb, planArb, (a, b) => {
        const forth = diffPlans(a, b);
        const back = diffPlans(b, a);
        expect(keys(forth).added).toEqual(keys(back).removed);
        expect(keys(forth).removed).toEqual(keys(back).added);
        expect(keys(forth).changed).toEqual(keys(back).changed);
        const swap = (changes: { field: string; before: unknown; after: unknown }[]) =>
          changes.map((c) => ({ field: c.field, before: c.after, after: c.before }));
        expect(back.changed.map((r) => swap(r.changes))).toEqual(forth.changed.map((r) => r.changes));
        expect(swap(back.visit)).toEqual(forth.visit);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and lists each record once, in kind order then id order', () => {
    fc.assert(
      fc.property(planArb, planArb, (a, b) => {
        const diff = diffPlans(a, b);
        expect(diffPlans(structuredClone(a), structuredClone(b))).toEqual(diff);
        for (const part of [diff.added, diff.removed, diff.changed]) {
          const sorted = [...part].sort(
            (x, y) =>
              DIFF_KINDS.indexOf(x.kind as (typeof DIFF_KINDS)[number]) - DIFF_KINDS.indexOf(y.kind as (typeof DIFF_KINDS)[number]) ||
              (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
          );
          expect(part).toEqual(sorted);
        }
        const all = [...refs(diff.added), ...refs(diff.removed), ...refs(diff.changed)];
        expect(new Set(all).size).toBe(all.length);
        expect(diff.changed.every((r) => r.changes.length > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
