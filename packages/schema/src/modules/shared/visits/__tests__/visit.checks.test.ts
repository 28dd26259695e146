import fc from 'fast-check';
import { placeholders } from '../../../../shared/i18n.ts';
import { planIssueMessage, PLAN_ISSUE_TEXTS } from '../visit.messages.ts';
import { describe, expect, it } from 'vitest';
import { checkPlan, PLAN_ISSUE_CODES, PLAN_ISSUE_SEVERITY, READINESS_CODES, readinessDue, type PlanIssue, type PlanIssueCode } from '../visit.checks.ts';
import type {
  PlanBudgetLine,
  PlanContact,
  PlanDietaryRestriction,
  PlanDish,
  PlanGift,
  PlanGuest,
  PlanHost,
  PlanItineraryItem,
  PlanLodging,
  PlanMeal,
  PlanRoom,
  PlanVehicle,
  VisitPlan,
} from '../visit.plan.ts';

// ---------------------------------------------------------------------------------------------
// Factory: a clean two-day visit in Asia/Shanghai (UTC+8); every test breaks or fixes one thing.
// Local times are given in comments.

function guest(id: string, patch: Partial<PlanGuest> = {}): PlanGuest {
  return {
    id,
    name: `Guest ${id}`,
    gender: 'UNSPECIFIED',
    ethnicity: null,
    title: null,
    rankLevel: null,
    organization: null,
    unit: null,
    principalOrder: null,
    dietaryRestrictions: [],
    ...patch,
  };
}

function restriction(id: string, restricted: string, category: PlanDietaryRestriction['category'], note: string | null = null) {
  return { id, restricted, category, note } satisfies PlanDietaryRestriction;
}

function contact(id: string, name: string, phone: string): PlanContact {
  return { id, name, phone, role: null };
}

function host(id: string, patch: Partial<PlanHost> = {}): PlanHost {
  return {
    id,
    membershipId: `mem-${id}`,
    displayName: `Host ${id}`,
    role: 'HOST_LEADER',
    rankLevel: null,
    unit: null,
    rankExplanation: null,
    ...patch,
  };
}

function item(id: string, kind: PlanItineraryItem['kind'], startsAt: string, endsAt: string, patch: Partial<PlanItineraryItem> = {}) {
  return { id, kind, title: `Item ${id}`, startsAt, endsAt, place: null, responsibleMembershipId: null, ...patch } satisfies PlanItineraryItem;
}

function meal(id: string, kind: PlanMeal['kind'], startsAt: string, patch: Partial<PlanMeal> = {}): PlanMeal {
  return { id, kind, startsAt, place: null, alcoholServed: false, guestIds: null, dishes: [], ...patch };
}

function dish(id: string, name: string, tags: string[]): PlanDish {
  return { id, name, tags };
}

/** Inspected two days before the visit, fit. */
function room(id: string, floor: number | null, guestIds: string[], isSpare = false, patch: Partial<PlanRoom> = {}): PlanRoom {
  return { id, floor, number: id.replace(/^r-?/, ''), roomType: null, isSpare, guestIds, inspectedAt: '2024-04-29T02:00:00Z', unfitReason: null, ...patch };
}

function lodging(id: string, checkIn: string, checkOut: string, rooms: PlanRoom[]): PlanLodging {
  return { id, hotelName: `Hotel ${id}`, checkIn, checkOut, rooms };
}

/** Checked the day before the visit, its driver briefed. */
function vehicle(id: string, seats: number, guestIds: string[], patch: Partial<PlanVehicle> = {}): PlanVehicle {
  return { id, kind: 'SEDAN', seats, plate: null, driverName: null, driverBriefed: true, checkedAt: '2024-04-30T08:00:00Z', guestIds, ...patch };
}

function budgetLine(id: string, category: PlanBudgetLine['category'], payableAt: string | null): PlanBudgetLine {
  return { id, category, description: null, planned: '100.00', actual: null, payableAt };
}

function gift(id: string, itemName: string, tags: string[], recipientGuestIds: string[]): PlanGift {
  return { id, item: itemName, value: '200.00', tags, recipientGuestIds };
}

function basePlan(overrides: Partial<VisitPlan> = {}): VisitPlan {
  return {
    id: 'visit-1',
    title: 'Provincial work inspection',
    purpose: 'WORK_INSPECTION',
    status: 'PLANNING',
    receptionLevel: null,
    visitingOrganization: 'Provincial Office',
    startsAt: '2024-05-01T01:00:00Z', // 05-01 09:00
    endsAt: '2024-05-02T09:00:00Z', // 05-02 17:00: one night, 05-01
    timeZone: 'Asia/Shanghai',
    includesImportantLeader: false,
    guests: [guest('g1', { name: 'Wang Wei', rankLevel: 5, principalOrder: 1 }), guest('g2', { name: 'Li Na', rankLevel: 7 })],
    contacts: [contact('c1', 'Zhang San', '+86 138 0000 0001'), contact('c2', 'Zhao Si', '+86 139 0000 0002')],
    travel: [],
    hosts: [host('h1', { displayName: 'Director Chen', rankLevel: 5 }), host('h2', { displayName: 'Officer Liu', role: 'ACCOMPANYING', rankLevel: 9 })],
    itinerary: [
      item('i-meeting', 'MEETING', '2024-05-01T02:00:00Z', '2024-05-01T03:30:00Z', { title: 'Work meeting', place: 'City Hall' }), // 10:00–11:30
      item('i-site', 'SITE_VISIT', '2024-05-02T01:00:00Z', '2024-05-02T03:00:00Z', { title: 'Factory visit', place: 'Factory' }), // 05-02 09:00–11:00
    ],
    lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r802', 8, ['g2']), room('r803', 8, [], true)])],
    meals: [
      meal('m-lunch', 'LUNCH', '2024-05-01T04:00:00Z', { dishes: [dish('d-tofu', 'Mapo tofu', ['tofu', 'chili'])] }), // 12:00
      meal('m-dinner', 'DINNER', '2024-05-01T11:00:00Z'), // 19:00
      meal('m-breakfast', 'BREAKFAST', '2024-05-02T00:00:00Z'), // 05-02 08:00
    ],
    vehicles: [vehicle('v1', 6, ['g1', 'g2'])],
    gifts: [gift('gift1', 'Green tea', ['tea'], ['g1'])],
    budget: [budgetLine('b1', 'MEETING_SUBSIDY', '2024-05-01T01:30:00Z'), budgetLine('b2', 'LODGING', null)],
    ...overrides,
  };
}

/** The list with the record of that id patched. */
function update<T extends { id: string }>(records: T[], id: string, patch: Partial<T>): T[] {
  if (!records.some((r) => r.id === id)) throw new Error(`no record ${id}`);
  return records.map((r) => (r.id === id ? { ...r, ...patch } : r));
}

/** Issues of one code; `now` (an ISO instant) is the time of judging, left out: as at the visit. */
/** Every issue the tests below saw, for the language test at the end. */
const seen: PlanIssue[] = [];

function issuesOf(plan: VisitPlan, code: PlanIssueCode, now?: string): PlanIssue[] {
  const found = checkPlan(plan, now === undefined ? {} : { now: Date.parse(now) }).filter((i) => i.code === code);
  seen.push(...found);
  return found;
}

function only(plan: VisitPlan, code: PlanIssueCode, now?: string): PlanIssue {
  const found = issuesOf(plan, code, now);
  expect(found, `${code} issues`).toHaveLength(1);
  return found[0]!;
}

// ---------------------------------------------------------------------------------------------

describe('checkPlan', () => {
  it('finds nothing wrong with the base plan', () => {
    expect(checkPlan(basePlan())).toEqual([]);
  });

  describe('TOO_FEW_CONTACTS', () => {
    it('blocks a plan with one phone contact', () => {
      const plan = basePlan({ contacts: [contact('c1', 'Zhang San', '+86 138 0000 0001'), contact('c2', 'Zhao Si', '')] });
      const found = only(plan, 'TOO_FEW_CONTACTS');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['c1', 'c2']);
      expect(found.message).toContain('Zhang San');
    });

    it('counts the same number given twice once', () => {
      const plan = basePlan({
        contacts: [contact('c1', 'Zhang San', '138-0000-0001'), contact('c2', 'Zhao Si', '138 0000 0001')],
      });
      expect(issuesOf(plan, 'TOO_FEW_CONTACTS')).toHaveLength(1);
    });

    it('is cleared by a second contact with a phone', () => {
      const plan = basePlan({ contacts: [contact('c1', 'Zhang San', '+86 138 0000 0001')] });
      expect(issuesOf(plan, 'TOO_FEW_CONTACTS')).toHaveLength(1);
      plan.contacts.push(contact('c3', 'Sun Wu', '+86 137 0000 0003'));
      expect(issuesOf(plan, 'TOO_FEW_CONTACTS')).toEqual([]);
    });
  });

  describe('DIETARY_CONFLICT', () => {
    const muslimGuest = guest('g2', { name: 'Ma Lin', rankLevel: 7, dietaryRestrictions: [restriction('g2-pork', 'pork', 'RELIGIOUS')] });
    const porkLunch = meal('m-lunch', 'LUNCH', '2024-05-01T04:00:00Z', {
      dishes: [dish('d-tofu', 'Mapo tofu', ['tofu']), dish('d-pork', 'Braised pork', ['Pork', 'soy'])],
    });

    it('blocks a dish carrying a tag an attending guest restricts (case-insensitive)', () => {
      const base = basePlan();
      const plan = basePlan({ guests: update(base.guests, 'g2', muslimGuest), meals: update(base.meals, 'm-lunch', porkLunch) });
      const found = only(plan, 'DIETARY_CONFLICT');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['g2', 'm-lunch', 'd-pork', 'g2-pork']);
      expect(found.message).toContain('Ma Lin');
      expect(found.message).toContain('Braised pork');
    });

    it('is cleared by removing the pork dish', () => {
      const base = basePlan();
      const fixed = { ...porkLunch, dishes: porkLunch.dishes.filter((d) => d.id !== 'd-pork') };
      const plan = basePlan({ guests: update(base.guests, 'g2', muslimGuest), meals: update(base.meals, 'm-lunch', fixed) });
      expect(issuesOf(plan, 'DIETARY_CONFLICT')).toEqual([]);
    });

    it('ignores guests who do not attend the meal', () => {
      const base = basePlan();
      const plan = basePlan({
        guests: update(base.guests, 'g2', muslimGuest),
        meals: update(base.meals, 'm-lunch', { ...porkLunch, guestIds: ['g1'] }),
      });
      expect(issuesOf(plan, 'DIETARY_CONFLICT')).toEqual([]);
    });
  });

  describe('ALCOHOL_AT_WORKING_LUNCH', () => {
    const afternoon = item('i-afternoon', 'SITE_VISIT', '2024-05-01T06:00:00Z', '2024-05-01T08:00:00Z', {
      title: 'Hospital visit',
      place: 'Hospital',
    }); // 14:00–16:00

    it('blocks alcohol at a lunch followed by work in the afternoon', () => {
      const base = basePlan();
      const plan = basePlan({
        itinerary: [...base.itinerary, afternoon],
        meals: update(base.meals, 'm-lunch', { alcoholServed: true }),
      });
      const found = only(plan, 'ALCOHOL_AT_WORKING_LUNCH');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['m-lunch', 'i-afternoon']);
      expect(found.message).toContain('12:00'); // 04:00Z is noon in Asia/Shanghai
      expect(found.message).toContain('14:00');
    });

    it('is cleared by taking the alcohol off the lunch', () => {
      const base = basePlan();
      const plan = basePlan({ itinerary: [...base.itinerary, afternoon] });
      expect(issuesOf(plan, 'ALCOHOL_AT_WORKING_LUNCH')).toEqual([]);
    });

    it('judges "afternoon" in the plan time zone', () => {
      // 10:30Z is 18:30 in Shanghai (evening: no work follows) but 10:30 in UTC (work follows).
      const base = basePlan();
      const evening = item('i-evening', 'CULTURAL_ACTIVITY', '2024-05-01T10:30:00Z', '2024-05-01T12:00:00Z');
      const plan = basePlan({
        itinerary: [base.itinerary[0]!, evening],
        meals: [meal('m-lunch', 'LUNCH', '2024-05-01T04:00:00Z', { alcoholServed: true })],
      });
      expect(issuesOf(plan, 'ALCOHOL_AT_WORKING_LUNCH')).toEqual([]);
      expect(only({ ...plan, timeZone: 'UTC' }, 'ALCOHOL_AT_WORKING_LUNCH').recordIds).toEqual(['m-lunch', 'i-evening']);
    });
  });

  describe('ALCOHOL_FOR_ON_DUTY_GUEST', () => {
    const driver = guest('g2', {
      name: 'Li Na',
      rankLevel: 7,
      dietaryRestrictions: [restriction('g2-alcohol', 'alcohol', 'OCCUPATIONAL', 'driver on duty')],
    });

    it('warns when alcohol is served at a meal an on-duty guest attends', () => {
      const base = basePlan();
      const plan = basePlan({ guests: update(base.guests, 'g2', driver), meals: update(base.meals, 'm-dinner', { alcoholServed: true }) });
      const found = only(plan, 'ALCOHOL_FOR_ON_DUTY_GUEST');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['g2', 'm-dinner', 'g2-alcohol']);
      expect(found.message).toContain('ask before serving alcohol');
    });

    it('is cleared when no alcohol is served, or the guest is not at that meal', () => {
      const base = basePlan();
      expect(issuesOf(basePlan({ guests: update(base.guests, 'g2', driver) }), 'ALCOHOL_FOR_ON_DUTY_GUEST')).toEqual([]);
      const plan = basePlan({
        guests: update(base.guests, 'g2', driver),
        meals: update(base.meals, 'm-dinner', { alcoholServed: true, guestIds: ['g1'] }),
      });
      expect(issuesOf(plan, 'ALCOHOL_FOR_ON_DUTY_GUEST')).toEqual([]);
    });

    it('is about occupational restrictions only', () => {
      const base = basePlan();
      const personal = guest('g2', { dietaryRestrictions: [restriction('g2-alcohol', 'alcohol', 'PERSONAL')] });
      const plan = basePlan({ guests: update(base.guests, 'g2', personal), meals: update(base.meals, 'm-dinner', { alcoholServed: true }) });
      expect(issuesOf(plan, 'ALCOHOL_FOR_ON_DUTY_GUEST')).toEqual([]);
    });
  });

  describe('ROOMS_ON_SEVERAL_FLOORS', () => {
    it('warns when the guests sleep on several floors', () => {
      const plan = basePlan({
        lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r902', 9, ['g2']), room('r803', 8, [], true)])],
      });
      const found = only(plan, 'ROOMS_ON_SEVERAL_FLOORS');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['l1', 'r801', 'r902']);
      expect(found.message).toContain('8, 9');
    });

    it('is cleared by putting the rooms on one floor', () => {
      const plan = basePlan({
        lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r802', 8, ['g2']), room('r903', 9, [], true)])],
      });
      expect(issuesOf(plan, 'ROOMS_ON_SEVERAL_FLOORS')).toEqual([]); // an empty spare room elsewhere is fine
    });
  });

  describe('NO_SPARE_ROOM', () => {
    it('warns about a lodging without a spare room', () => {
      const plan = basePlan({ lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r802', 8, ['g2'])])] });
      const found = only(plan, 'NO_SPARE_ROOM');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['l1']);
    });

    it('does not count a "spare" room that has guests in it', () => {
      const plan = basePlan({
        lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r802', 8, ['g2'], true)])],
      });
      expect(only(plan, 'NO_SPARE_ROOM').recordIds).toEqual(['l1']);
    });

    it('is cleared by booking one more room', () => {
      const plan = basePlan({ lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r802', 8, ['g2'])])] });
      plan.lodgings[0]!.rooms.push(room('r803', 8, [], true));
      expect(issuesOf(plan, 'NO_SPARE_ROOM')).toEqual([]);
    });
  });

  describe('ROOM_UNFIT', () => {
    const unfit = (reason: string) =>
      basePlan({
        lodgings: [
          lodging('l1', '2024-05-01', '2024-05-02', [
            room('r801', 8, ['g1']),
            room('r802', 8, ['g2'], false, { unfitReason: reason }),
            room('r803', 8, [], true),
          ]),
        ],
      });

    it('blocks a room found unfit with a guest in it, weeks ahead too', () => {
      const found = only(unfit('smells of smoke'), 'ROOM_UNFIT', '2024-03-01T00:00:00Z');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['l1', 'r802']);
      expect(found.message).toContain('smells of smoke');
      expect(found.message).toContain('Li Na');
      // Reported as unfit, not (also) as not inspected.
      const neverInspected = basePlan({
        lodgings: [
          lodging('l1', '2024-05-01', '2024-05-02', [
            room('r801', 8, ['g1']),
            room('r802', 8, ['g2'], false, { unfitReason: 'damp', inspectedAt: null }),
            room('r803', 8, [], true),
          ]),
        ],
      });
      expect(only(neverInspected, 'ROOM_UNFIT').recordIds).toEqual(['l1', 'r802']);
      expect(issuesOf(neverInspected, 'ROOM_NOT_INSPECTED')).toEqual([]);
    });

    it('is cleared by moving the guest to another room (or by a re-inspection clearing the reason)', () => {
      const moved = basePlan({
        lodgings: [
          lodging('l1', '2024-05-01', '2024-05-02', [
            room('r801', 8, ['g1']),
            room('r802', 8, [], false, { unfitReason: 'smells of smoke' }),
            room('r804', 8, ['g2']),
            room('r803', 8, [], true),
          ]),
        ],
      });
      expect(checkPlan(moved)).toEqual([]);
      expect(issuesOf(unfit('  '), 'ROOM_UNFIT')).toEqual([]); // a blank reason is no reason
    });

    it('does not count an unfit spare room as the spare room', () => {
      const plan = basePlan({
        lodgings: [
          lodging('l1', '2024-05-01', '2024-05-02', [
            room('r801', 8, ['g1']),
            room('r802', 8, ['g2']),
            room('r803', 8, [], true, { unfitReason: 'no window' }),
          ]),
        ],
      });
      expect(issuesOf(plan, 'ROOM_UNFIT')).toEqual([]);
      expect(only(plan, 'NO_SPARE_ROOM').recordIds).toEqual(['l1']);
    });
  });

  describe('ROOM_NOT_INSPECTED', () => {
    // The visit starts 2024-05-01 09:00 in Shanghai: readiness is due from 2024-04-30 00:00 there (04-29 16:00Z).
    const uninspected = () =>
      basePlan({
        lodgings: [
          lodging('l1', '2024-05-01', '2024-05-02', [
            room('r802', 8, ['g2'], false, { inspectedAt: null }),
            room('r801', 8, ['g1'], false, { inspectedAt: null }),
            room('r803', 8, [], true, { inspectedAt: null }),
          ]),
        ],
      });

    it('names the rooms with guests not inspected, one issue per lodging (empty rooms are not judged)', () => {
      const found = only(uninspected(), 'ROOM_NOT_INSPECTED');
      expect(found.recordIds).toEqual(['l1', 'r801', 'r802']);
      expect(found.message).toContain('801, 802');
      expect(found.message).toContain('by 2024-04-30');
    });

    it('is a WARNING while the visit is ahead and a BLOCKER from the local day before it (or when judged without a time)', () => {
      expect(only(uninspected(), 'ROOM_NOT_INSPECTED', '2024-04-01T00:00:00Z').severity).toBe('WARNING');
      expect(only(uninspected(), 'ROOM_NOT_INSPECTED', '2024-04-29T15:59:00Z').severity).toBe('WARNING'); // 04-29 23:59 local
      expect(only(uninspected(), 'ROOM_NOT_INSPECTED', '2024-04-29T16:00:00Z').severity).toBe('BLOCKER'); // 04-30 00:00 local
      expect(only(uninspected(), 'ROOM_NOT_INSPECTED', '2024-05-01T03:00:00Z').severity).toBe('BLOCKER'); // during the visit
      expect(only(uninspected(), 'ROOM_NOT_INSPECTED').severity).toBe('BLOCKER');
      // In UTC the visit starts on 05-01 too, but 04-29 16:00Z is still 04-29 there: a WARNING.
      expect(only({ ...uninspected(), timeZone: 'UTC' }, 'ROOM_NOT_INSPECTED', '2024-04-29T16:00:00Z').severity).toBe('WARNING');
    });

    it('is cleared by inspecting the rooms', () => {
      const plan = uninspected();
      const inspected = { ...plan, lodgings: plan.lodgings.map((l) => ({ ...l, rooms: l.rooms.map((r) => ({ ...r, inspectedAt: '2024-04-29T02:00:00Z' })) })) };
      expect(issuesOf(inspected, 'ROOM_NOT_INSPECTED')).toEqual([]);
      expect(checkPlan(inspected)).toEqual([]);
    });
  });

  describe('VEHICLE_OVER_CAPACITY', () => {
    it('blocks a vehicle with more guests than passenger seats', () => {
      const plan = basePlan({ vehicles: [vehicle('v1', 1, ['g1', 'g2'])] });
      const found = only(plan, 'VEHICLE_OVER_CAPACITY');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['v1']);
    });

    it('is cleared by a second vehicle', () => {
      const plan = basePlan({ vehicles: [vehicle('v1', 1, ['g1']), vehicle('v2', 4, ['g2'])] });
      expect(issuesOf(plan, 'VEHICLE_OVER_CAPACITY')).toEqual([]);
    });
  });

  describe('TOO_FEW_SEATS', () => {
    const delegation = [guest('g1', { rankLevel: 5, principalOrder: 1 }), ...['g2', 'g3', 'g4', 'g5', 'g6'].map((id) => guest(id))];
    const rooms = [
      room(
        'r801',
        8,
        delegation.map((g) => g.id),
      ),
      room('r899', 8, [], true),
    ];

    it('blocks vehicles with fewer seats than guests', () => {
      const plan = basePlan({
        guests: delegation,
        vehicles: [vehicle('v1', 4, ['g1', 'g2'])],
        lodgings: [lodging('l1', '2024-05-01', '2024-05-02', rooms)],
      });
      const found = only(plan, 'TOO_FEW_SEATS');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['v1']);
      expect(found.message).toContain('4 passenger seat(s) for 6 guests');
    });

    it('is cleared by adding a vehicle', () => {
      const plan = basePlan({
        guests: delegation,
        vehicles: [vehicle('v1', 4, ['g1', 'g2']), vehicle('v2', 4, [])],
        lodgings: [lodging('l1', '2024-05-01', '2024-05-02', rooms)],
      });
      expect(issuesOf(plan, 'TOO_FEW_SEATS')).toEqual([]);
    });

    it('does not apply when the plan has no vehicles (the guests come by their own car)', () => {
      const plan = basePlan({ guests: delegation, vehicles: [], lodgings: [lodging('l1', '2024-05-01', '2024-05-02', rooms)] });
      expect(issuesOf(plan, 'TOO_FEW_SEATS')).toEqual([]);
    });
  });

  describe('VEHICLE_NOT_CHECKED', () => {
    const unchecked = () => basePlan({ vehicles: [vehicle('v1', 6, ['g1', 'g2'], { plate: '苏A12345', checkedAt: null })] });

    it('names the vehicle not checked', () => {
      const found = only(unchecked(), 'VEHICLE_NOT_CHECKED');
      expect(found.recordIds).toEqual(['v1']);
      expect(found.message).toContain('Sedan 苏A12345');
      expect(found.message).toContain('by 2024-04-30');
    });

    it('is a WARNING while the visit is ahead and a BLOCKER from the local day before it (or when judged without a time)', () => {
      expect(only(unchecked(), 'VEHICLE_NOT_CHECKED', '2024-04-20T00:00:00Z').severity).toBe('WARNING');
      expect(only(unchecked(), 'VEHICLE_NOT_CHECKED', '2024-04-29T15:59:59Z').severity).toBe('WARNING');
      expect(only(unchecked(), 'VEHICLE_NOT_CHECKED', '2024-04-29T16:00:00Z').severity).toBe('BLOCKER');
      expect(only(unchecked(), 'VEHICLE_NOT_CHECKED').severity).toBe('BLOCKER');
    });

    it('is cleared by checking the vehicle; a vehicle without guests is checked too', () => {
      expect(issuesOf(basePlan(), 'VEHICLE_NOT_CHECKED')).toEqual([]);
      const spare = basePlan({ vehicles: [...basePlan().vehicles, vehicle('v2', 4, [], { checkedAt: null })] });
      expect(only(spare, 'VEHICLE_NOT_CHECKED').recordIds).toEqual(['v2']);
    });
  });

  describe('DRIVER_NOT_BRIEFED', () => {
    it('warns about a driver not briefed, at any time (the plan does not know who is new to reception work)', () => {
      const plan = basePlan({ vehicles: [vehicle('v1', 6, ['g1', 'g2'], { driverName: 'Zhou', driverBriefed: false })] });
      const found = only(plan, 'DRIVER_NOT_BRIEFED');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['v1']);
      expect(found.message).toContain('Zhou');
      expect(only(plan, 'DRIVER_NOT_BRIEFED', '2024-04-01T00:00:00Z').severity).toBe('WARNING');
    });

    it('is cleared by briefing the driver', () => {
      const plan = basePlan({ vehicles: [vehicle('v1', 6, ['g1', 'g2'], { driverName: 'Zhou', driverBriefed: true })] });
      expect(issuesOf(plan, 'DRIVER_NOT_BRIEFED')).toEqual([]);
    });
  });

  describe('HOST_RANK_BELOW_GUEST', () => {
    it('blocks a host leader ranking below the first principal guest', () => {
      const base = basePlan();
      const plan = basePlan({ hosts: update(base.hosts, 'h1', { rankLevel: 6 }) });
      const found = only(plan, 'HOST_RANK_BELOW_GUEST');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['h1', 'g1']);
      expect(found.message).toContain('Director Chen');
      expect(found.message).toContain('Wang Wei');
    });

    it('is cleared by a recorded polite explanation (or a host of equal rank)', () => {
      const base = basePlan();
      const explained = basePlan({ hosts: update(base.hosts, 'h1', { rankLevel: 6, rankExplanation: 'The mayor is abroad; apologies.' }) });
      expect(issuesOf(explained, 'HOST_RANK_BELOW_GUEST')).toEqual([]);
      expect(issuesOf(basePlan({ hosts: update(base.hosts, 'h1', { rankLevel: 4 }) }), 'HOST_RANK_BELOW_GUEST')).toEqual([]);
    });

    it('does not judge unknown ranks', () => {
      const base = basePlan();
      expect(issuesOf(basePlan({ hosts: update(base.hosts, 'h1', { rankLevel: null }) }), 'HOST_RANK_BELOW_GUEST')).toEqual([]);
      const unranked = basePlan({ guests: update(base.guests, 'g1', { rankLevel: null }), hosts: update(base.hosts, 'h1', { rankLevel: 9 }) });
      expect(issuesOf(unranked, 'HOST_RANK_BELOW_GUEST')).toEqual([]);
    });

    it("matches each unit's host to that unit's highest-ranked guest", () => {
      const plan = basePlan({
        guests: [
          guest('g1', { name: 'Wang Wei', rankLevel: 5, principalOrder: 1, unit: 'Provincial Office' }),
          guest('g2', { name: 'Li Na', rankLevel: 7, unit: 'County Bureau' }),
          guest('g3', { name: 'Zhou Jie', rankLevel: 6, unit: 'County Bureau' }),
        ],
        hosts: [
          host('h1', { displayName: 'Director Chen', rankLevel: 5, unit: 'Provincial Office' }),
          host('h3', { displayName: 'Section Chief Xu', rankLevel: 8, unit: 'County Bureau' }),
          host('h4', { displayName: 'Clerk Hu', role: 'ACCOMPANYING', rankLevel: 12, unit: 'County Bureau' }),
        ],
        lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r802', 8, ['g2', 'g3']), room('r803', 8, [], true)])],
      });
      expect(only(plan, 'HOST_RANK_BELOW_GUEST').recordIds).toEqual(['h3', 'g3']);
      const fixed = { ...plan, hosts: update(plan.hosts, 'h3', { rankLevel: 6 }) };
      expect(issuesOf(fixed, 'HOST_RANK_BELOW_GUEST')).toEqual([]);
    });
  });

  describe('NO_HOST_LEADER and HOST_RANK_UNKNOWN (the rank rule is never skipped silently)', () => {
    it('warns when the principal guest has no host leader, and not when one is named', () => {
      const base = basePlan();
      expect(issuesOf(base, 'NO_HOST_LEADER')).toEqual([]);
      const noLeader = basePlan({ hosts: base.hosts.map((h) => ({ ...h, role: 'GREETER' as const })) });
      const found = only(noLeader, 'NO_HOST_LEADER');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['g1']);
      expect(found.message).toContain('Wang Wei');
      // No principal guest: NO_PRINCIPAL_GUEST says so already; nothing to receive.
      const noPrincipal = basePlan({ guests: update(base.guests, 'g1', { principalOrder: null }), hosts: [] });
      expect(issuesOf(noPrincipal, 'NO_HOST_LEADER')).toEqual([]);
    });

    it('warns when a host leader without a rank receives a ranked guest; a rank or an explanation clears it', () => {
      const base = basePlan();
      const unranked = basePlan({ hosts: update(base.hosts, 'h1', { rankLevel: null }) });
      const found = only(unranked, 'HOST_RANK_UNKNOWN');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['h1', 'g1']);
      expect(issuesOf(base, 'HOST_RANK_UNKNOWN')).toEqual([]);
      const explained = basePlan({ hosts: update(base.hosts, 'h1', { rankLevel: null, rankExplanation: 'Acting director this week.' }) });
      expect(issuesOf(explained, 'HOST_RANK_UNKNOWN')).toEqual([]);
      // A guest without a rank: nothing to compare with.
      const bothUnknown = basePlan({ guests: update(base.guests, 'g1', { rankLevel: null }), hosts: update(base.hosts, 'h1', { rankLevel: null }) });
      expect(issuesOf(bothUnknown, 'HOST_RANK_UNKNOWN')).toEqual([]);
    });
  });

  describe('NO_HOST_FOR_UNIT', () => {
    const twoUnits = () =>
      basePlan({
        guests: [
          guest('g1', { name: 'Wang Wei', rankLevel: 5, principalOrder: 1, unit: 'Provincial Office' }),
          guest('g2', { name: 'Li Na', rankLevel: 7, unit: 'County Bureau' }),
        ],
        hosts: [host('h1', { displayName: 'Director Chen', rankLevel: 5, unit: 'Provincial Office' })],
      });

    it('warns about a visiting unit without a host', () => {
      const found = only(twoUnits(), 'NO_HOST_FOR_UNIT');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['g2']);
      expect(found.message).toContain('County Bureau');
    });

    it('is cleared by one host per unit', () => {
      const plan = twoUnits();
      plan.hosts.push(host('h2', { displayName: 'Deputy Director Gao', rankLevel: 7, unit: 'County Bureau' }));
      expect(issuesOf(plan, 'NO_HOST_FOR_UNIT')).toEqual([]);
    });

    it('does not apply to a single visiting unit', () => {
      const base = basePlan();
      const plan = basePlan({ guests: base.guests.map((g) => ({ ...g, unit: 'Provincial Office' })) });
      expect(issuesOf(plan, 'NO_HOST_FOR_UNIT')).toEqual([]);
    });
  });

  describe('BREAKFAST_TOO_LATE', () => {
    it('blocks a breakfast less than 15 minutes before the first morning item', () => {
      const base = basePlan();
      const plan = basePlan({ meals: update(base.meals, 'm-breakfast', { startsAt: '2024-05-02T00:50:00Z' }) }); // 08:50, site visit 09:00
      const found = only(plan, 'BREAKFAST_TOO_LATE');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['m-breakfast', 'i-site']);
      expect(found.message).toContain('08:45');
    });

    it('is cleared by moving breakfast earlier (15 minutes is enough)', () => {
      const base = basePlan();
      const plan = basePlan({ meals: update(base.meals, 'm-breakfast', { startsAt: '2024-05-02T00:45:00Z' }) });
      expect(issuesOf(plan, 'BREAKFAST_TOO_LATE')).toEqual([]);
    });

    it('ignores MEAL items and afternoon items', () => {
      const base = basePlan();
      const plan = basePlan({
        itinerary: [
          base.itinerary[0]!,
          item('i-breakfast', 'MEAL', '2024-05-02T00:50:00Z', '2024-05-02T01:20:00Z'),
          item('i-afternoon', 'SITE_VISIT', '2024-05-02T06:00:00Z', '2024-05-02T07:00:00Z'),
        ],
        meals: update(base.meals, 'm-breakfast', { startsAt: '2024-05-02T00:50:00Z' }),
      });
      expect(issuesOf(plan, 'BREAKFAST_TOO_LATE')).toEqual([]);
    });
  });

  describe('BREAKFAST_AWAY_FROM_HOTEL', () => {
    // m-breakfast is on 05-02 (local); the guests slept the night of 05-01 at Hotel l1.
    const at = (place: string | null, patch: Partial<PlanMeal> = {}) => basePlan({ meals: update(basePlan().meals, 'm-breakfast', { place, ...patch }) });

    it('warns about a breakfast away from the hotel where its guests slept', () => {
      const found = only(at('Old Town Teahouse'), 'BREAKFAST_AWAY_FROM_HOTEL');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['m-breakfast', 'l1']);
      expect(found.message).toContain('2024-05-02');
      expect(found.message).toContain('Hotel l1');
    });

    it('is cleared by a place naming the hotel (case and spaces aside), or a part of its name', () => {
      expect(issuesOf(at('hotel L1 buffet'), 'BREAKFAST_AWAY_FROM_HOTEL')).toEqual([]);
      expect(issuesOf(at(' Hotel l1 '), 'BREAKFAST_AWAY_FROM_HOTEL')).toEqual([]);
      expect(issuesOf(at('l1'), 'BREAKFAST_AWAY_FROM_HOTEL')).toEqual([]);
    });

    it('does not judge a breakfast without a place, or one whose guests have no lodging the night before', () => {
      expect(issuesOf(at(null), 'BREAKFAST_AWAY_FROM_HOTEL')).toEqual([]);
      // 05-01 07:30 local: nobody slept here the night before (04-30).
      expect(issuesOf(at('Old Town Teahouse', { startsAt: '2024-04-30T23:30:00Z' }), 'BREAKFAST_AWAY_FROM_HOTEL')).toEqual([]);
      // A breakfast for Li Na only, who has no room: not judged (GUEST_WITHOUT_LODGING says what is wrong).
      const noRoom = basePlan({
        lodgings: [lodging('l1', '2024-05-01', '2024-05-02', [room('r801', 8, ['g1']), room('r803', 8, [], true)])],
        meals: update(basePlan().meals, 'm-breakfast', { place: 'Old Town Teahouse', guestIds: ['g2'] }),
      });
      expect(issuesOf(noRoom, 'BREAKFAST_AWAY_FROM_HOTEL')).toEqual([]);
      expect(only({ ...noRoom, meals: update(noRoom.meals, 'm-breakfast', { guestIds: null }) }, 'BREAKFAST_AWAY_FROM_HOTEL').recordIds).toEqual([
        'm-breakfast',
        'l1',
      ]);
    });

    it('finds the night before in the plan time zone', () => {
      // 2024-05-01T23:30Z is 05-02 07:30 in Shanghai (night of 05-01: booked) but 05-01 23:30 in UTC (night of 04-30: not).
      const plan = at('Old Town Teahouse', { startsAt: '2024-05-01T23:30:00Z' });
      expect(issuesOf(plan, 'BREAKFAST_AWAY_FROM_HOTEL')).toHaveLength(1);
      expect(issuesOf({ ...plan, timeZone: 'UTC' }, 'BREAKFAST_AWAY_FROM_HOTEL')).toEqual([]);
    });
  });

  describe('ALLOWANCE_AFTER_MEETING and ALLOWANCE_UNSCHEDULED', () => {
    it('blocks a meeting subsidy paid after the meeting starts', () => {
      const base = basePlan();
      const plan = basePlan({ budget: update(base.budget, 'b1', { payableAt: '2024-05-01T02:30:00Z' }) });
      const found = only(plan, 'ALLOWANCE_AFTER_MEETING');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['b1', 'i-meeting']);
    });

    it('is cleared by paying before the meeting', () => {
      const base = basePlan();
      const plan = basePlan({ budget: update(base.budget, 'b1', { payableAt: '2024-05-01T01:59:00Z' }) });
      expect(issuesOf(plan, 'ALLOWANCE_AFTER_MEETING')).toEqual([]);
    });

    it('warns about a meal allowance with no payment time', () => {
      const base = basePlan();
      const plan = basePlan({ budget: [...base.budget, budgetLine('b3', 'MEAL_ALLOWANCE', null)] });
      const found = only(plan, 'ALLOWANCE_UNSCHEDULED');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['b3', 'i-meeting']);
      const fixed = { ...plan, budget: update(plan.budget, 'b3', { payableAt: '2024-05-01T01:30:00Z' }) };
      expect(issuesOf(fixed, 'ALLOWANCE_UNSCHEDULED')).toEqual([]);
    });

    it('does not apply without a meeting', () => {
      const base = basePlan();
      const plan = basePlan({
        itinerary: [base.itinerary[1]!],
        budget: [budgetLine('b1', 'MEETING_SUBSIDY', '2024-05-03T00:00:00Z'), budgetLine('b3', 'MEAL_ALLOWANCE', null)],
      });
      expect(issuesOf(plan, 'ALLOWANCE_AFTER_MEETING')).toEqual([]);
      expect(issuesOf(plan, 'ALLOWANCE_UNSCHEDULED')).toEqual([]);
    });
  });

  describe('ITINERARY_INVALID_TIME', () => {
    it('blocks an item that does not end after it starts', () => {
      const base = basePlan();
      const plan = basePlan({ itinerary: update(base.itinerary, 'i-meeting', { endsAt: '2024-05-01T02:00:00Z' }) });
      const found = only(plan, 'ITINERARY_INVALID_TIME');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['i-meeting']);
    });

    it('is cleared by a valid end time', () => {
      const base = basePlan();
      const plan = basePlan({ itinerary: update(base.itinerary, 'i-meeting', { endsAt: '2024-05-01T02:30:00Z' }) });
      expect(issuesOf(plan, 'ITINERARY_INVALID_TIME')).toEqual([]);
    });
  });

  describe('ITINERARY_OVERLAP', () => {
    const briefing = (startsAt: string, endsAt: string) => item('i-briefing', 'MEETING', startsAt, endsAt, { place: 'City Hall' });

    it('blocks two items that overlap', () => {
      const base = basePlan();
      const plan = basePlan({ itinerary: [...base.itinerary, briefing('2024-05-01T03:00:00Z', '2024-05-01T03:45:00Z')] });
      const found = only(plan, 'ITINERARY_OVERLAP');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['i-meeting', 'i-briefing']);
    });

    it('is cleared by moving the item (back to back is fine)', () => {
      const base = basePlan();
      const plan = basePlan({ itinerary: [...base.itinerary, briefing('2024-05-01T03:30:00Z', '2024-05-01T04:00:00Z')] });
      expect(issuesOf(plan, 'ITINERARY_OVERLAP')).toEqual([]);
    });
  });

  describe('ITINERARY_TIGHT', () => {
    const tour = (startsAt: string, place: string) => item('i-tour', 'SIGHTSEEING', startsAt, '2024-05-01T05:00:00Z', { title: 'Old town', place });

    it('warns about five minutes between two places', () => {
      const base = basePlan();
      const plan = basePlan({ itinerary: [...base.itinerary, tour('2024-05-01T03:35:00Z', 'Old town')] });
      const found = only(plan, 'ITINERARY_TIGHT');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['i-meeting', 'i-tour']);
      expect(found.message).toContain('5 minutes');
    });

    it('is cleared by leaving ten minutes, or staying in the same place', () => {
      const base = basePlan();
      expect(issuesOf(basePlan({ itinerary: [...base.itinerary, tour('2024-05-01T03:40:00Z', 'Old town')] }), 'ITINERARY_TIGHT')).toEqual([]);
      expect(issuesOf(basePlan({ itinerary: [...base.itinerary, tour('2024-05-01T03:35:00Z', 'city hall')] }), 'ITINERARY_TIGHT')).toEqual([]);
    });
  });

  describe('GUEST_WITHOUT_LODGING', () => {
    it('blocks a guest without a room for a night of the visit', () => {
      const plan = basePlan({ endsAt: '2024-05-03T09:00:00Z' }); // nights 05-01 and 05-02; the hotel covers 05-01
      const found = issuesOf(plan, 'GUEST_WITHOUT_LODGING');
      expect(found.map((i) => i.recordIds)).toEqual([['g1'], ['g2']]);
      expect(found[0]!.severity).toBe('BLOCKER');
      expect(found[0]!.message).toContain('Wang Wei');
      expect(found[0]!.message).toContain('2024-05-02');
      expect(found[0]!.message).not.toContain('2024-05-01');
    });

    it('is cleared by lodging for the night', () => {
      const base = basePlan({ endsAt: '2024-05-03T09:00:00Z' });
      const plan = { ...base, lodgings: update(base.lodgings, 'l1', { checkOut: '2024-05-03' }) };
      expect(issuesOf(plan, 'GUEST_WITHOUT_LODGING')).toEqual([]);
    });

    it('lists several missing nights as a range', () => {
      const plan = basePlan({ endsAt: '2024-05-05T09:00:00Z', guests: [guest('g1', { principalOrder: 1 })] });
      expect(only(plan, 'GUEST_WITHOUT_LODGING').message).toContain('2024-05-02 to 2024-05-04');
    });

    it('finds no nights in a same-day visit', () => {
      const plan = basePlan({ endsAt: '2024-05-01T10:00:00Z', lodgings: [] });
      expect(issuesOf(plan, 'GUEST_WITHOUT_LODGING')).toEqual([]);
    });

    it('counts nights in the plan time zone', () => {
      // 2024-04-30T17:00Z is 05-01 01:00 in Shanghai; 2024-05-01T20:00Z is 05-02 04:00: one night, 05-01 (booked).
      // In UTC the same visit runs 04-30 17:00 – 05-01 20:00: one night, 04-30 (not booked).
      const plan = basePlan({
        startsAt: '2024-04-30T17:00:00Z',
        endsAt: '2024-05-01T20:00:00Z',
        itinerary: [],
        meals: [],
        budget: [],
      });
      expect(issuesOf(plan, 'GUEST_WITHOUT_LODGING')).toEqual([]);
      const utc = issuesOf({ ...plan, timeZone: 'UTC' }, 'GUEST_WITHOUT_LODGING');
      expect(utc.map((i) => i.recordIds)).toEqual([['g1'], ['g2']]);
      expect(utc[0]!.message).toContain('2024-04-30');
    });
  });

  describe('GIFT_TABOO', () => {
    const abstainer = guest('g1', {
      name: 'Wang Wei',
      rankLevel: 5,
      principalOrder: 1,
      dietaryRestrictions: [restriction('g1-alcohol', 'alcohol', 'RELIGIOUS')],
    });

    it("blocks a gift tagged with one of its recipient's taboos", () => {
      const base = basePlan();
      const plan = basePlan({ guests: update(base.guests, 'g1', abstainer), gifts: [gift('gift1', 'Maotai', ['ALCOHOL', 'local'], ['g1'])] });
      const found = only(plan, 'GIFT_TABOO');
      expect(found.severity).toBe('BLOCKER');
      expect(found.recordIds).toEqual(['gift1', 'g1', 'g1-alcohol']);
      expect(found.message).toContain('Maotai');
    });

    it('is cleared by choosing another gift (or another recipient)', () => {
      const base = basePlan();
      expect(issuesOf(basePlan({ guests: update(base.guests, 'g1', abstainer) }), 'GIFT_TABOO')).toEqual([]);
      const plan = basePlan({ guests: update(base.guests, 'g1', abstainer), gifts: [gift('gift1', 'Maotai', ['alcohol'], ['g2'])] });
      expect(issuesOf(plan, 'GIFT_TABOO')).toEqual([]);
    });
  });

  describe('GIFTS_OVER_BUDGET', () => {
    const giftBudget = (planned: string) => ({ ...budgetLine('b-gifts', 'GIFTS', null), planned });

    it('warns when the gifts (one piece per recipient) come to more than the gift budget', () => {
      const base = basePlan();
      // Green tea, 200.00, for the whole delegation (no recipients listed): 2 × 200.00 = 400.00.
      const plan = basePlan({ gifts: [gift('gift1', 'Green tea', ['tea'], [])], budget: [...base.budget, giftBudget('300.00')] });
      const found = only(plan, 'GIFTS_OVER_BUDGET');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['gift1', 'b-gifts']);
      expect(found.message).toContain('400.00');
      expect(found.message).toContain('300.00');
      expect(found.message).toContain('× 2');
    });

    it('is cleared by a lighter gift, fewer pieces, or a budget that covers them (to the cent)', () => {
      const base = basePlan();
      expect(issuesOf(basePlan({ budget: [...base.budget, giftBudget('300.00')] }), 'GIFTS_OVER_BUDGET')).toEqual([]); // 1 × 200.00
      const whole = [gift('gift1', 'Green tea', ['tea'], [])];
      expect(issuesOf(basePlan({ gifts: whole, budget: [...base.budget, giftBudget('400.00')] }), 'GIFTS_OVER_BUDGET')).toEqual([]);
      expect(only(basePlan({ gifts: whole, budget: [...base.budget, giftBudget('399.99')] }), 'GIFTS_OVER_BUDGET').message).toContain('399.99');
    });

    it('is not judged without a gift budget, and leaves gifts of unknown value out', () => {
      expect(issuesOf(basePlan({ gifts: [gift('gift1', 'Jade', [], [])] }), 'GIFTS_OVER_BUDGET')).toEqual([]);
      const base = basePlan();
      const unknown = { ...gift('gift2', 'Calligraphy', [], []), value: null };
      expect(issuesOf(basePlan({ gifts: [...base.gifts, unknown], budget: [...base.budget, giftBudget('200.00')] }), 'GIFTS_OVER_BUDGET')).toEqual([]);
    });
  });

  describe('NO_PRINCIPAL_GUEST', () => {
    it('warns when no guest is the first principal guest', () => {
      const base = basePlan();
      const plan = basePlan({ guests: update(base.guests, 'g1', { principalOrder: null }) });
      const found = only(plan, 'NO_PRINCIPAL_GUEST');
      expect(found.severity).toBe('WARNING');
      expect(found.recordIds).toEqual(['g1', 'g2']);
    });

    it('is cleared by marking the principal guest, and does not apply without guests', () => {
      const base = basePlan();
      const plan = basePlan({ guests: update(base.guests, 'g1', { principalOrder: null }) });
      expect(issuesOf({ ...plan, guests: update(plan.guests, 'g2', { principalOrder: 1 }) }, 'NO_PRINCIPAL_GUEST')).toEqual([]);
      expect(issuesOf(basePlan({ guests: [], vehicles: [] }), 'NO_PRINCIPAL_GUEST')).toEqual([]);
    });
  });

  it('orders issues by code, then record ids', () => {
    const base = basePlan();
    const plan = basePlan({
      contacts: [],
      guests: update(base.guests, 'g1', { principalOrder: null }),
      vehicles: [vehicle('v2', 1, ['g1', 'g2']), vehicle('v1', 0, ['g2'])],
    });
    expect(checkPlan(plan).map((i) => [i.code, i.recordIds])).toEqual([
      ['TOO_FEW_CONTACTS', []],
      ['VEHICLE_OVER_CAPACITY', ['v1']],
      ['VEHICLE_OVER_CAPACITY', ['v2']],
      ['TOO_FEW_SEATS', ['v1', 'v2']],
      ['NO_PRINCIPAL_GUEST', ['g1', 'g2']],
    ]);
  });

  it('falls back to UTC for an unknown time zone instead of throwing', () => {
    expect(() => checkPlan(basePlan({ timeZone: 'Mars/Olympus_Mons' }))).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties on arbitrary plans (small arrays, ids consistent within the plan)

const TAGS = ['pork', 'Pork', 'beef', 'alcohol', 'ALCOHOL', 'seafood', 'nuts', 'tea'];
const ZONES = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Nowhere/Unknown'];
const UNITS = [null, 'Provincial Office', 'County Bureau', ' County Bureau '];
const BASE_MS = Date.UTC(2024, 4, 1);
const DAY_MS = 86_400_000;

const isoArb = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: -DAY_MS, max: 4 * DAY_MS }).map((ms) => new Date(BASE_MS + Math.floor(ms / 300_000) * 300_000).toISOString()) },
  { weight: 1, arbitrary: fc.constant('not a date') },
);
const dateArb = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: -1, max: 5 }).map((d) => new Date(BASE_MS + d * DAY_MS).toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: fc.constant('2024-02-31') },
);
/** Items on a 5-minute grid over 12 hours, up to 3 hours long (some zero or negative: invalid), so that they touch. */
const itemTimesArb = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 144 }), fc.integer({ min: -1, max: 36 })).map(([slot, length]) => ({
      startsAt: new Date(BASE_MS + slot * 300_000).toISOString(),
      endsAt: new Date(BASE_MS + (slot + length) * 300_000).toISOString(),
    })),
  },
  { weight: 1, arbitrary: fc.record({ startsAt: isoArb, endsAt: isoArb }) },
);
const rankArb = fc.option(fc.integer({ min: 1, max: 12 }), { nil: null });
const textArb = fc.constantFrom('A', 'B', 'Hall', 'hall', '');
const tagsArb = fc.subarray(TAGS, { maxLength: 3 });

/** A list of records with ids `${prefix}${i}`. */
function listOf<T>(prefix: string, record: fc.Arbitrary<T>, maxLength = 4): fc.Arbitrary<(T & { id: string })[]> {
  return fc.array(record, { maxLength }).map((xs) => xs.map((x, i) => ({ ...x, id: `${prefix}${i}` })));
}

const guestsArb: fc.Arbitrary<PlanGuest[]> = listOf(
  'g',
  fc.record({
    name: fc.constantFrom('Wang Wei', 'Li Na', 'Ma Lin'),
    gender: fc.constantFrom('FEMALE', 'MALE', 'UNSPECIFIED') as fc.Arbitrary<PlanGuest['gender']>,
    ethnicity: fc.constant(null),
    title: fc.constant(null),
    rankLevel: rankArb,
    organization: fc.constant(null),
    unit: fc.constantFrom(...UNITS),
    principalOrder: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    dietaryRestrictions: fc.array(
      fc.record({
        category: fc.constantFrom('RELIGIOUS', 'REGIONAL', 'OCCUPATIONAL', 'PERSONAL') as fc.Arbitrary<PlanDietaryRestriction['category']>,
        restricted: fc.constantFrom(...TAGS),
        note: fc.option(textArb, { nil: null }),
      }),
      { maxLength: 2 },
    ),
  }),
  5,
).map((guests) => guests.map((g) => ({ ...g, dietaryRestrictions: g.dietaryRestrictions.map((r, i) => ({ ...r, id: `${g.id}-r${i}` })) })));

function planArb(): fc.Arbitrary<VisitPlan> {
  return guestsArb.chain((guests) => {
    const guestIdsArb = fc.subarray([...guests.map((g) => g.id), 'g-unknown']);
    return fc.record({
      id: fc.constant('visit'),
      title: textArb,
      purpose: fc.constantFrom('LEADER_VISIT', 'WORK_INSPECTION', 'OTHER') as fc.Arbitrary<VisitPlan['purpose']>,
      status: fc.constant('PLANNING' as const),
      receptionLevel: fc.option(textArb, { nil: null }),
      visitingOrganization: fc.option(textArb, { nil: null }),
      startsAt: isoArb,
      endsAt: isoArb,
      timeZone: fc.constantFrom(...ZONES),
      includesImportantLeader: fc.boolean(),
      guests: fc.constant(guests),
      contacts: listOf(
        'c',
        fc.record({ name: textArb, phone: fc.constantFrom('', '13800000001', '138-0000-0001', '13900000002', 'n/a'), role: fc.constant(null) }),
      ),
      travel: fc.constant([]),
      hosts: listOf(
        'h',
        fc.record({
          membershipId: fc.constant('m'),
          displayName: textArb,
          role: fc.constantFrom('HOST_LEADER', 'ACCOMPANYING', 'GREETER') as fc.Arbitrary<PlanHost['role']>,
          rankLevel: rankArb,
          unit: fc.constantFrom(...UNITS),
          rankExplanation: fc.option(textArb, { nil: null }),
        }),
      ),
      itinerary: listOf(
        'i',
        fc.record({
          kind: fc.constantFrom('MEETING', 'MEAL', 'SITE_VISIT', 'LODGING_CHECK_IN', 'CULTURAL_ACTIVITY', 'SIGHTSEEING', 'FAREWELL', 'OTHER') as fc.Arbitrary<
            PlanItineraryItem['kind']
          >,
          title: textArb,
          place: fc.option(textArb, { nil: null }),
          responsibleMembershipId: fc.constant(null),
        }),
        5,
      ).chain((items) => fc.tuple(...items.map(() => itemTimesArb)).map((times) => items.map((it, i) => ({ ...it, ...times[i]! })))),
      lodgings: listOf(
        'l',
        fc.record({
          hotelName: textArb,
          checkIn: dateArb,
          checkOut: dateArb,
          rooms: fc.array(
            fc.record({
              floor: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
              number: textArb,
              roomType: fc.constant(null),
              isSpare: fc.boolean(),
              guestIds: guestIdsArb,
              inspectedAt: fc.option(isoArb, { nil: null }),
              unfitReason: fc.option(fc.constantFrom('damp', 'no window', '', '  '), { nil: null }),
            }),
            { maxLength: 3 },
          ),
        }),
        2,
      ).map((ls) => ls.map((l) => ({ ...l, rooms: l.rooms.map((r, i) => ({ ...r, id: `${l.id}-room${i}` })) }))),
      meals: listOf(
        'm',
        fc.record({
          kind: fc.constantFrom('BREAKFAST', 'LUNCH', 'DINNER', 'BANQUET') as fc.Arbitrary<PlanMeal['kind']>,
          startsAt: isoArb,
          place: fc.option(textArb, { nil: null }),
          alcoholServed: fc.boolean(),
          guestIds: fc.option(guestIdsArb, { nil: null }),
          dishes: fc.array(fc.record({ name: textArb, tags: tagsArb }), { maxLength: 3 }),
        }),
      ).map((ms) => ms.map((m) => ({ ...m, dishes: m.dishes.map((d, i) => ({ ...d, id: `${m.id}-d${i}` })) }))),
      vehicles: listOf(
        'v',
        fc.record({
          kind: fc.constantFrom('SEDAN', 'COACH') as fc.Arbitrary<PlanVehicle['kind']>,
          seats: fc.integer({ min: -1, max: 6 }),
          plate: fc.option(textArb, { nil: null }),
          driverName: fc.option(textArb, { nil: null }),
          driverBriefed: fc.boolean(),
          checkedAt: fc.option(isoArb, { nil: null }),
          guestIds: guestIdsArb,
        }),
        3,
      ),
      gifts: listOf(
        'gift',
        fc.record({
          item: textArb,
          value: fc.option(fc.constantFrom('0.00', '50.00', '120.50', '300', 'n/a'), { nil: null }),
          tags: tagsArb,
          recipientGuestIds: guestIdsArb,
        }),
        2,
      ),
      budget: listOf(
        'b',
        fc.record({
          category: fc.constantFrom('LODGING', 'MEETING_SUBSIDY', 'MEAL_ALLOWANCE', 'GIFTS', 'OTHER') as fc.Arbitrary<PlanBudgetLine['category']>,
          description: fc.option(textArb, { nil: null }),
          planned: fc.constantFrom('100.00', '250.50'),
          actual: fc.constant(null),
          payableAt: fc.option(isoArb, { nil: null }),
        }),
        3,
      ),
    });
  });
}

/** Every list of the plan reversed (nested lists too). */
function reversed(plan: VisitPlan): VisitPlan {
  const rev = <T>(xs: T[]) => [...xs].reverse();
  return {
    ...plan,
    guests: rev(plan.guests).map((g) => ({ ...g, dietaryRestrictions: rev(g.dietaryRestrictions) })),
    contacts: rev(plan.contacts),
    travel: rev(plan.travel),
    hosts: rev(plan.hosts),
    itinerary: rev(plan.itinerary),
    lodgings: rev(plan.lodgings).map((l) => ({ ...l, rooms: rev(l.rooms).map((r) => ({ ...r, guestIds: rev(r.guestIds) })) })),
    meals: rev(plan.meals).map((m) => ({ ...m, guestIds: m.guestIds && rev(m.guestIds), dishes: rev(m.dishes).map((d) => ({ ...d, tags: rev(d.tags) })) })),
    vehicles: rev(plan.vehicles).map((v) => ({ ...v, guestIds: rev(v.guestIds) })),
    gifts: rev(plan.gifts).map((g) => ({ ...g, tags: rev(g.tags), recipientGuestIds: rev(g.recipientGuestIds) })),
    budget: rev(plan.budget),
  };
}

function recordIdsOf(plan: VisitPlan): Set<string> {
  return new Set([
    ...plan.guests.flatMap((g) => [g.id, ...g.dietaryRestrictions.map((r) => r.id)]),
    ...plan.contacts.map((c) => c.id),
    ...plan.hosts.map((h) => h.id),
    ...plan.itinerary.map((i) => i.id),
    ...plan.lodgings.flatMap((l) => [l.id, ...l.rooms.map((r) => r.id)]),
    ...plan.meals.flatMap((m) => [m.id, ...m.dishes.map((d) => d.id)]),
    ...plan.vehicles.map((v) => v.id),
    ...plan.gifts.map((g) => g.id),
    ...plan.budget.map((b) => b.id),
  ]);
}

describe('checkPlan on arbitrary plans', () => {
  it('never throws, is deterministic, and does not depend on the order of the lists', () => {
    fc.assert(
      fc.property(planArb(), (plan) => {
        const issues = checkPlan(plan);
        expect(checkPlan(structuredClone(plan))).toEqual(issues);
        expect(checkPlan(reversed(plan))).toEqual(issues);
      }),
      { numRuns: 300 },
    );
  });

  it('returns well-formed issues in code order, naming records of the plan', () => {
    fc.assert(
      fc.property(planArb(), (plan) => {
        const issues = checkPlan(plan);
        const known = recordIdsOf(plan);
        const order = issues.map((i) => (PLAN_ISSUE_CODES as readonly string[]).indexOf(i.code));
        expect(order.every((n) => n >= 0)).toBe(true);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        for (const found of issues) {
          expect(found.severity).toBe(PLAN_ISSUE_SEVERITY[found.code]);
          expect(found.message.length).toBeGreaterThan(0);
          for (const id of found.recordIds) expect(known.has(id), `${found.code} names ${id}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('judged at a time, differs only in the severity of readiness issues: WARNINGs before the local day before the visit', () => {
    const nowArb = fc.integer({ min: -10 * DAY_MS, max: 6 * DAY_MS }).map((ms) => BASE_MS + ms);
    fc.assert(
      fc.property(planArb(), nowArb, (plan, now) => {
        const due = readinessDue(plan, now);
        const expected = checkPlan(plan).map((i) =>
          READINESS_CODES.includes(i.code as (typeof READINESS_CODES)[number]) && !due ? { ...i, severity: 'WARNING' } : i,
        );
        expect(checkPlan(plan, { now })).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('readiness is due from the visit start at the latest, not three days before, and stays due', () => {
    fc.assert(
      fc.property(planArb(), fc.integer({ min: 0, max: 5 * DAY_MS }), (plan, later) => {
        const start = Date.parse(plan.startsAt);
        fc.pre(Number.isFinite(start));
        expect(readinessDue(plan, start)).toBe(true);
        expect(readinessDue(plan, start - 3 * DAY_MS)).toBe(false);
        for (const now of [start - 3 * DAY_MS, start - DAY_MS, start]) {
          if (readinessDue(plan, now)) expect(readinessDue(plan, now + later)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('drops TOO_FEW_CONTACTS once two contacts with phones are added', () => {
    fc.assert(
      fc.property(planArb(), (plan) => {
        fc.pre(checkPlan(plan).some((i) => i.code === 'TOO_FEW_CONTACTS'));
        const fixed = {
          ...plan,
          contacts: [...plan.contacts, contact('extra-1', 'Zhang San', '+86 137 1111 0001'), contact('extra-2', 'Zhao Si', '+86 137 1111 0002')],
        };
        expect(checkPlan(fixed).some((i) => i.code === 'TOO_FEW_CONTACTS')).toBe(false);
        // … and nothing else changes
        expect(checkPlan(fixed)).toEqual(checkPlan(plan).filter((i) => i.code !== 'TOO_FEW_CONTACTS'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('plan issues in zh-Hans', () => {
  it('every issue the checks above produced reads in Chinese with every parameter it names, none left unfilled', () => {
    const codes = new Set(seen.map((i) => i.code));
    expect(codes.size).toBeGreaterThanOrEqual(PLAN_ISSUE_CODES.length - 2);
    for (const issue of seen) {
      const zh = planIssueMessage(issue, 'zh-Hans');
      expect(zh, issue.code).toMatch(/[\u4e00-\u9fff]/);
      expect(zh, issue.code).not.toMatch(/\{\w+\}/);
      for (const value of Object.values(issue.params ?? {}).flat()) expect(zh, `${issue.code}: ${value}`).toContain(String(value));
      expect(planIssueMessage(issue, 'en')).toBe(issue.message);
    }
  });

  it('both languages have a text for every code, with the same parameters', () => {
    for (const code of [...PLAN_ISSUE_CODES, 'IMPORTANT_LEADER_NOT_ESCALATED'] as const) {
      expect(placeholders(PLAN_ISSUE_TEXTS['zh-Hans'][code]), code).toEqual(placeholders(PLAN_ISSUE_TEXTS.en[code]));
    }
  });
});
