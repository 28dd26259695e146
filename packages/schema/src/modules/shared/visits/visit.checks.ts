// Plan checks: the reception rules of DOMAIN.md ("Visit") run against one VisitPlan.
// Pure: no I/O, no GraphQL, no Prisma. Same plan in, same issues out, in a fixed order
// (the order of PLAN_ISSUE_CODES, then record ids). Every check is one small function in CHECKS.
//
// Times in the plan are UTC ISO strings; "morning", "afternoon", a meal's day and a "night" are judged
// in the plan's time zone (Intl.DateTimeFormat). A time that does not parse is skipped by the checks that
// need it (ITINERARY_INVALID_TIME reports such itinerary items); an unknown time zone falls back to UTC.
//
// Readiness (a room inspected, a vehicle checked) is done close to the visit, after the plan is approved
// (the text's steps 8 and 11 come after step 7, 报请领导批准): its issues are WARNINGs while the visit is
// ahead and BLOCKERs from the local day before it starts. That needs the time of judging, `now`, given by
// the caller (never read from the clock here); without it they are judged as at the visit: BLOCKERs.
import type {
  ItineraryKind,
  PlanDietaryRestriction,
  PlanGuest,
  PlanHost,
  PlanItineraryItem,
  PlanLodging,
  PlanMeal,
  PlanRoom,
  VisitPlan,
} from './visit.plan.ts';
import type { PlanIssueParams } from './visit.messages.ts';

/** The codes checkPlan produces, in the order it reports them. */
export const PLAN_ISSUE_CODES = [
  'TOO_FEW_CONTACTS',
  'DIETARY_CONFLICT',
  'ALCOHOL_AT_WORKING_LUNCH',
  'ALCOHOL_FOR_ON_DUTY_GUEST',
  'ROOMS_ON_SEVERAL_FLOORS',
  'NO_SPARE_ROOM',
  'ROOM_UNFIT',
  'ROOM_NOT_INSPECTED',
  'VEHICLE_OVER_CAPACITY',
  'TOO_FEW_SEATS',
  'VEHICLE_NOT_CHECKED',
  'DRIVER_NOT_BRIEFED',
  'HOST_RANK_BELOW_GUEST',
  'NO_HOST_LEADER',
  'HOST_RANK_UNKNOWN',
  'NO_HOST_FOR_UNIT',
  'BREAKFAST_TOO_LATE',
  'BREAKFAST_AWAY_FROM_HOTEL',
  'ALLOWANCE_AFTER_MEETING',
  'ALLOWANCE_UNSCHEDULED',
  'ITINERARY_INVALID_TIME',
  'ITINERARY_OVERLAP',
  'ITINERARY_TIGHT',
  'GUEST_WITHOUT_LODGING',
  'GIFT_TABOO',
  'GIFTS_OVER_BUDGET',
  'NO_PRINCIPAL_GUEST',
] as const;
/**
 * Codes of issues the visit service adds from data the plan does not hold (whether the visit was
 * reported up); checkPlan never produces them, but they travel as PlanIssue too.
 */
export const SERVICE_PLAN_ISSUE_CODES = ['IMPORTANT_LEADER_NOT_ESCALATED'] as const;
export type CheckedPlanIssueCode = (typeof PLAN_ISSUE_CODES)[number];
export type PlanIssueCode = CheckedPlanIssueCode | (typeof SERVICE_PLAN_ISSUE_CODES)[number];
export type PlanIssueSeverity = 'BLOCKER' | 'WARNING';

export interface PlanIssue {
  code: PlanIssueCode;
  severity: PlanIssueSeverity;
  message: string;
  /** Ids of the plan records concerned (guests, meals, dishes, rooms …). */
  recordIds: string[];
  /** The values the message names (rooms, dates, names …), for its text in other languages (visit.messages.ts). */
  params?: PlanIssueParams;
}

/**
 * Each code has one severity: a BLOCKER must be fixed before approval, a WARNING asks for a look. The
 * READINESS_CODES have theirs from the local day before the visit; until then they are WARNINGs.
 */
export const PLAN_ISSUE_SEVERITY: Record<PlanIssueCode, PlanIssueSeverity> = {
  TOO_FEW_CONTACTS: 'BLOCKER',
  DIETARY_CONFLICT: 'BLOCKER',
  ALCOHOL_AT_WORKING_LUNCH: 'BLOCKER',
  ALCOHOL_FOR_ON_DUTY_GUEST: 'WARNING',
  ROOMS_ON_SEVERAL_FLOORS: 'WARNING',
  NO_SPARE_ROOM: 'WARNING',
  ROOM_UNFIT: 'BLOCKER',
  ROOM_NOT_INSPECTED: 'BLOCKER',
  VEHICLE_OVER_CAPACITY: 'BLOCKER',
  TOO_FEW_SEATS: 'BLOCKER',
  VEHICLE_NOT_CHECKED: 'BLOCKER',
  DRIVER_NOT_BRIEFED: 'WARNING',
  HOST_RANK_BELOW_GUEST: 'BLOCKER',
  NO_HOST_LEADER: 'WARNING',
  HOST_RANK_UNKNOWN: 'WARNING',
  NO_HOST_FOR_UNIT: 'WARNING',
  BREAKFAST_TOO_LATE: 'BLOCKER',
  BREAKFAST_AWAY_FROM_HOTEL: 'WARNING',
  ALLOWANCE_AFTER_MEETING: 'BLOCKER',
  ALLOWANCE_UNSCHEDULED: 'WARNING',
  ITINERARY_INVALID_TIME: 'BLOCKER',
  ITINERARY_OVERLAP: 'BLOCKER',
  ITINERARY_TIGHT: 'WARNING',
  GUEST_WITHOUT_LODGING: 'BLOCKER',
  GIFT_TABOO: 'BLOCKER',
  GIFTS_OVER_BUDGET: 'WARNING',
  NO_PRINCIPAL_GUEST: 'WARNING',
  IMPORTANT_LEADER_NOT_ESCALATED: 'BLOCKER',
};

/** Readiness done close to the visit: WARNINGs while it is ahead, their own severity from READINESS_DAYS_BEFORE. */
export const READINESS_CODES: readonly CheckedPlanIssueCode[] = ['ROOM_NOT_INSPECTED', 'VEHICLE_NOT_CHECKED'];
/** Local days before the visit's first day from which readiness issues block (the checklist's "the day before"). */
export const READINESS_DAYS_BEFORE = 1;

/** The rules' numbers. */
export const MIN_CONTACTS = 2;
export const BREAKFAST_LEAD_MINUTES = 15;
export const MIN_GAP_BETWEEN_PLACES_MINUTES = 10;
/** Local hour from which the working day is over (a lunch followed only by evening items may serve alcohol). */
export const AFTERNOON_ENDS_AT_HOUR = 18;
/** Itinerary kinds that count as work after lunch (no alcohol at that lunch). */
export const AFTERNOON_WORK_KINDS: readonly ItineraryKind[] = ['MEETING', 'SITE_VISIT', 'CULTURAL_ACTIVITY', 'SIGHTSEEING', 'OTHER'];

const MINUTE_MS = 60_000;
const NOON_MINUTES = 12 * 60;

// ---------------------------------------------------------------------------------------------
// The entry point

export interface CheckOptions {
  /** The time of judging (ms since the epoch); without it readiness is judged as at the visit. */
  now?: number;
}

type Check = (plan: VisitPlan, options: CheckOptions) => PlanIssue[];

const CHECKS: readonly Check[] = [
  checkContacts,
  checkDietaryConflicts,
  checkAlcoholAtWorkingLunch,
  checkAlcoholForOnDutyGuests,
  checkRoomFloors,
  checkSpareRoom,
  checkUnfitRooms,
  checkRoomInspection,
  checkVehicleCapacity,
  checkTotalSeats,
  checkVehiclesChecked,
  checkDriversBriefed,
  checkHostRanks,
  checkHostLeader,
  checkHostRanksKnown,
  checkHostPerUnit,
  checkBreakfastLead,
  checkBreakfastAtHotel,
  checkAllowancesBeforeMeeting,
  checkAllowancesScheduled,
  checkItineraryTimes,
  checkItineraryOverlaps,
  checkItineraryGaps,
  checkGuestLodging,
  checkGiftTaboos,
  checkGiftBudget,
  checkPrincipalGuest,
];

export function checkPlan(plan: VisitPlan, options: CheckOptions = {}): PlanIssue[] {
  return CHECKS.flatMap((check) => check(plan, options)).sort(compareIssues);
}

/**
 * Whether readiness is due: from the local day READINESS_DAYS_BEFORE days before the visit's first local
 * day (in the plan's zone), or always when `now` is not given or the visit's start does not parse.
 */
export function readinessDue(plan: VisitPlan, now: number | undefined): boolean {
  const start = at(plan, plan.startsAt);
  if (now === undefined || !Number.isFinite(now) || !start) return true;
  return localTime(now, plan.timeZone).date >= addDays(start.date, -READINESS_DAYS_BEFORE);
}

/** The severity of a readiness issue: its own once readiness is due, a WARNING before. */
function readinessSeverity(code: CheckedPlanIssueCode, plan: VisitPlan, options: CheckOptions): PlanIssueSeverity {
  return readinessDue(plan, options.now) ? PLAN_ISSUE_SEVERITY[code] : 'WARNING';
}

function compareIssues(a: PlanIssue, b: PlanIssue): number {
  const byCode = codeOrder(a.code) - codeOrder(b.code);
  if (byCode !== 0) return byCode;
  const length = Math.min(a.recordIds.length, b.recordIds.length);
  for (let i = 0; i < length; i++) {
    const byId = compareStrings(a.recordIds[i]!, b.recordIds[i]!);
    if (byId !== 0) return byId;
  }
  return a.recordIds.length - b.recordIds.length || compareStrings(a.message, b.message);
}

/** Position in PLAN_ISSUE_CODES; service codes come after. */
function codeOrder(code: PlanIssueCode): number {
  const index = (PLAN_ISSUE_CODES as readonly string[]).indexOf(code);
  return index === -1 ? PLAN_ISSUE_CODES.length : index;
}

function issue(
  code: CheckedPlanIssueCode,
  message: string,
  recordIds: string[],
  params: PlanIssueParams = {},
  severity = PLAN_ISSUE_SEVERITY[code],
): PlanIssue {
  return { code, severity, message, recordIds, params };
}

// ---------------------------------------------------------------------------------------------
// The checks, in the order of PLAN_ISSUE_CODES

/** 至少应有两个工作人员的联系电话: two distinct phone numbers on the visiting side. */
function checkContacts(plan: VisitPlan): PlanIssue[] {
  const withPhone = plan.contacts.filter((c) => hasPhone(c.phone));
  const phones = new Set(withPhone.map((c) => phoneDigits(c.phone)));
  if (phones.size >= MIN_CONTACTS) return [];
  const names = byId(withPhone).map((c) => c.name);
  const have = names.length === 0 ? 'no contact with a phone number' : `only ${list(names)} with a phone number`;
  return [
    issue(
      'TOO_FEW_CONTACTS',
      `The visiting side has ${have}; at least ${MIN_CONTACTS} staff contacts with distinct phone numbers are needed.`,
      ids(plan.contacts),
      { min: MIN_CONTACTS },
    ),
  ];
}

/** The menu is checked against every attending guest's dietary restrictions. */
function checkDietaryConflicts(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const meal of plan.meals) {
    for (const guest of attendees(plan, meal)) {
      for (const dish of meal.dishes) {
        const hits = restrictionsHit(guest, dish.tags);
        if (hits.length === 0) continue;
        issues.push(
          issue(
            'DIETARY_CONFLICT',
            `${guest.name} avoids ${list(hits.map((r) => r.restricted))} (${list(hits.map(describeRestriction))}), ` +
              `but "${dish.name}" at ${mealLabel(plan, meal)} contains it.`,
            [guest.id, meal.id, dish.id, ...ids(hits)],
            { guest: guest.name, restricted: hits.map((r) => r.restricted), dish: dish.name, meal: mealRef(plan, meal) },
          ),
        );
      }
    }
  }
  return issues;
}

/** No alcohol at lunch when work follows in the afternoon (an item later that local day, before 18:00). */
function checkAlcoholAtWorkingLunch(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const meal of plan.meals) {
    if (meal.kind !== 'LUNCH' || !meal.alcoholServed) continue;
    const lunch = at(plan, meal.startsAt);
    if (!lunch) continue;
    const work = byStart(plan.itinerary).filter((item) => {
      if (!AFTERNOON_WORK_KINDS.includes(item.kind)) return false;
      const start = at(plan, item.startsAt);
      return start !== null && start.date === lunch.date && start.ms >= lunch.ms && start.minutes < AFTERNOON_ENDS_AT_HOUR * 60;
    });
    if (work.length === 0) continue;
    issues.push(
      issue(
        'ALCOHOL_AT_WORKING_LUNCH',
        `Alcohol is served at ${mealLabel(plan, meal)}, but work follows in the afternoon ` +
          `(${list(work.map((item) => `"${item.title}" at ${at(plan, item.startsAt)!.time}`))}); serve no alcohol at this lunch.`,
        [meal.id, ...ids(work)],
        { meal: mealRef(plan, meal) },
      ),
    );
  }
  return issues;
}

/** Police or drivers on duty take no alcohol (职业 restriction): make sure they are not served; ask first. */
function checkAlcoholForOnDutyGuests(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const meal of plan.meals) {
    if (!meal.alcoholServed) continue;
    for (const guest of attendees(plan, meal)) {
      // By id, so that the note quoted does not depend on the order of the list.
      const onDuty = byId(guest.dietaryRestrictions.filter((r) => r.category === 'OCCUPATIONAL' && norm(r.restricted) === 'alcohol'));
      if (onDuty.length === 0) continue;
      const note = onDuty.map((r) => r.note?.trim()).find((n) => n);
      issues.push(
        issue(
          'ALCOHOL_FOR_ON_DUTY_GUEST',
          `${guest.name} takes no alcohol on duty${note ? ` (${note})` : ''} and alcohol is served at ${mealLabel(plan, meal)}: ` +
            `make sure no alcohol is poured for them, and ask before serving alcohol.`,
          [guest.id, meal.id, ...ids(onDuty)],
          { guest: guest.name, meal: mealRef(plan, meal) },
        ),
      );
    }
  }
  return issues;
}

/**
 * The same-floor and spare-room rules (多订一间) of one lodging alone, for other lists of rooms that follow
 * the same rules (a hotel's rooming list of a room block).
 */
export function checkLodgingRooms(lodging: PlanLodging): PlanIssue[] {
  const plan = { lodgings: [lodging] } as unknown as VisitPlan;
  return [...checkRoomFloors(plan), ...checkSpareRoom(plan)];
}

/** Rooms together on one floor (rooms of unknown floor are not judged). */
function checkRoomFloors(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const lodging of plan.lodgings) {
    const rooms = byId(lodging.rooms.filter((r) => r.guestIds.length > 0 && r.floor !== null));
    const floors = [...new Set(rooms.map((r) => r.floor!))].sort((a, b) => a - b);
    if (floors.length <= 1) continue;
    issues.push(
      issue(
        'ROOMS_ON_SEVERAL_FLOORS',
        `The guests' rooms at ${lodging.hotelName} are on floors ${list(floors.map(String))} ` +
          `(rooms ${list(rooms.map((r) => r.number))}); put them together on one floor.`,
        [lodging.id, ...ids(rooms)],
        { hotel: lodging.hotelName, rooms: rooms.map((r) => r.number) },
      ),
    );
  }
  return issues;
}

/** 多订一间: a lodging with guests has one more room, marked spare, left unassigned and not found unfit. */
function checkSpareRoom(plan: VisitPlan): PlanIssue[] {
  return plan.lodgings
    .filter((l) => l.rooms.some((r) => r.guestIds.length > 0) && !l.rooms.some((r) => r.isSpare && r.guestIds.length === 0 && !isUnfit(r)))
    .map((lodging) =>
      issue('NO_SPARE_ROOM', `No spare room is booked at ${lodging.hotelName}; book one more room than needed.`, [lodging.id], { hotel: lodging.hotelName }),
    );
}

/** 有不妥的，立即更换: a room the inspection found unfit has no guests in it (always a BLOCKER). */
function checkUnfitRooms(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const lodging of plan.lodgings) {
    for (const room of byId(lodging.rooms.filter((r) => r.guestIds.length > 0 && isUnfit(r)))) {
      const names = guestNames(plan, room.guestIds);
      issues.push(
        issue(
          'ROOM_UNFIT',
          `Room ${room.number} at ${lodging.hotelName} was found unfit (${room.unfitReason!.trim()})` +
            `${names.length > 0 ? ` but ${list(names)} ${names.length === 1 ? 'is' : 'are'} in it` : ' but has guests in it'}; ` +
            `replace it with another room.`,
          [lodging.id, room.id],
          { room: room.number, hotel: lodging.hotelName, reason: room.unfitReason!.trim() },
        ),
      );
    }
  }
  return issues;
}

/**
 * 预订酒店后，要派人到酒店检查所订房间的状况: every room with guests is inspected (one issue per lodging).
 * A room found unfit is ROOM_UNFIT instead. A WARNING until the day before the visit, then a BLOCKER.
 */
function checkRoomInspection(plan: VisitPlan, options: CheckOptions): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const lodging of plan.lodgings) {
    const rooms = byId(lodging.rooms.filter((r) => r.guestIds.length > 0 && !isUnfit(r) && r.inspectedAt === null));
    if (rooms.length === 0) continue;
    issues.push(
      issue(
        'ROOM_NOT_INSPECTED',
        `${rooms.length === 1 ? 'Room' : 'Rooms'} ${list(rooms.map((r) => r.number))} at ${lodging.hotelName} ` +
          `${rooms.length === 1 ? 'has' : 'have'} guests but ${rooms.length === 1 ? 'has' : 'have'} not been inspected; ` +
          `send someone to inspect the booked rooms ${dueBy(plan)} and replace any that are unfit.`,
        [lodging.id, ...ids(rooms)],
        { hotel: lodging.hotelName, rooms: rooms.map((r) => r.number), by: dueDate(plan) },
        readinessSeverity('ROOM_NOT_INSPECTED', plan, options),
      ),
    );
  }
  return issues;
}

/** `seats` counts passenger seats (the driver's seat is not in it): assigned guests must fit. */
function checkVehicleCapacity(plan: VisitPlan): PlanIssue[] {
  return plan.vehicles
    .filter((v) => new Set(v.guestIds).size > Math.max(0, v.seats))
    .map((vehicle) =>
      issue(
        'VEHICLE_OVER_CAPACITY',
        `${vehicleLabel(vehicle)} has ${new Set(vehicle.guestIds).size} guest(s) assigned but ${Math.max(0, vehicle.seats)} passenger seat(s).`,
        [vehicle.id],
        { vehicle: vehicle.plate?.trim() || vehicle.id },
      ),
    );
}

/** Vehicles are allocated by head count; with no vehicles at all the guests come by their own car. */
function checkTotalSeats(plan: VisitPlan): PlanIssue[] {
  if (plan.vehicles.length === 0) return [];
  const seats = plan.vehicles.reduce((sum, v) => sum + Math.max(0, v.seats), 0);
  if (seats >= plan.guests.length) return [];
  return [
    issue(
      'TOO_FEW_SEATS',
      `The vehicles (${list(byId(plan.vehicles).map(vehicleLabel))}) have ${seats} passenger seat(s) for ${plan.guests.length} guests; add a vehicle.`,
      ids(plan.vehicles),
      { seats, guests: plan.guests.length },
    ),
  ];
}

/** 对所配车辆应严格检查: every vehicle of the visit is checked. A WARNING until the day before the visit, then a BLOCKER. */
function checkVehiclesChecked(plan: VisitPlan, options: CheckOptions): PlanIssue[] {
  return byId(plan.vehicles.filter((v) => v.checkedAt === null)).map((vehicle) =>
    issue(
      'VEHICLE_NOT_CHECKED',
      `${capitalize(vehicleLabel(vehicle))} has not been checked; check every vehicle of the visit ${dueBy(plan)}.`,
      [vehicle.id],
      { vehicle: vehicle.plate?.trim() || vehicle.id, by: dueDate(plan) },
      readinessSeverity('VEHICLE_NOT_CHECKED', plan, options),
    ),
  );
}

/**
 * 对未进行过接待任务的司机还应进行适当的教育: the plan does not know whether a driver is new to reception
 * work, so a driver not briefed is a WARNING.
 */
function checkDriversBriefed(plan: VisitPlan): PlanIssue[] {
  return byId(plan.vehicles.filter((v) => !v.driverBriefed)).map((vehicle) => {
    const driver = vehicle.driverName?.trim();
    return issue(
      'DRIVER_NOT_BRIEFED',
      `The driver of ${vehicleLabel(vehicle)}${driver ? ` (${driver})` : ''} has not been briefed; ` +
        `brief drivers who have not driven for a reception before.`,
      [vehicle.id],
      { vehicle: vehicle.plate?.trim() || vehicle.id },
    );
  });
}

/**
 * 与客人身份、职务相当: the host leader and greeters match the rank of the guest they receive, or record a
 * polite explanation. A host with a unit receives that unit's highest-ranked guest; a host leader or
 * greeter without a unit receives the first principal guest. Unknown ranks are not judged.
 */
function checkHostRanks(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const host of plan.hosts) {
    if (host.role === 'ACCOMPANYING' || host.rankLevel === null || host.rankExplanation?.trim()) continue;
    const guest = guestReceivedBy(plan, host);
    if (!guest || guest.rankLevel === null || host.rankLevel <= guest.rankLevel) continue;
    issues.push(
      issue(
        'HOST_RANK_BELOW_GUEST',
        `${host.displayName} (rank level ${host.rankLevel}) receives ${guest.name} (rank level ${guest.rankLevel}) ` +
          `but ranks lower; choose a host of equal rank or record a polite explanation.`,
        [host.id, guest.id],
        { host: host.displayName, guest: guest.name },
      ),
    );
  }
  return issues;
}

/**
 * The rank rule cannot be judged without a host leader (主人) for the principal guest: say so instead of
 * skipping it silently.
 */
function checkHostLeader(plan: VisitPlan): PlanIssue[] {
  const guest = firstPrincipalGuest(plan);
  if (!guest || plan.hosts.some((h) => h.role === 'HOST_LEADER')) return [];
  return [
    issue('NO_HOST_LEADER', `No host leader receives the principal guest ${guest.name}; name one of matching rank (与客人身份、职务相当).`, [guest.id], {
      guest: guest.name,
    }),
  ];
}

/** A host leader or greeter without a rank, receiving a guest with one: the rank rule cannot be judged. */
function checkHostRanksKnown(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const host of byId(plan.hosts)) {
    if (host.role === 'ACCOMPANYING' || host.rankLevel !== null || host.rankExplanation?.trim()) continue;
    const guest = guestReceivedBy(plan, host);
    if (!guest || guest.rankLevel === null) continue;
    issues.push(
      issue(
        'HOST_RANK_UNKNOWN',
        `${host.displayName} receives ${guest.name} (rank level ${guest.rankLevel}) but has no rank: assign the host's rank, ` +
          `or record an explanation, so the rank rule can be checked.`,
        [host.id, guest.id],
        { host: host.displayName, guest: guest.name },
      ),
    );
  }
  return issues;
}

/** When several units visit together, one host per unit. */
function checkHostPerUnit(plan: VisitPlan): PlanIssue[] {
  const units = [...new Set(plan.guests.map((g) => unitOf(g)).filter((u) => u !== null))].sort(compareStrings);
  if (units.length <= 1) return [];
  const hosted = new Set(plan.hosts.map((h) => unitOf(h)));
  return units
    .filter((unit) => !hosted.has(unit))
    .map((unit) => {
      const guests = byId(plan.guests.filter((g) => unitOf(g) === unit));
      return issue(
        'NO_HOST_FOR_UNIT',
        `No host receives the visiting unit "${unit}" (${list(guests.map((g) => g.name))}); assign one host per unit.`,
        ids(guests),
        { unit },
      );
    });
}

/** Breakfast is ready 15 minutes before the first morning item of its day. */
function checkBreakfastLead(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const meal of plan.meals) {
    if (meal.kind !== 'BREAKFAST') continue;
    const breakfast = at(plan, meal.startsAt);
    if (!breakfast) continue;
    const first = byStart(plan.itinerary).find((item) => {
      const start = at(plan, item.startsAt);
      return item.kind !== 'MEAL' && start !== null && start.date === breakfast.date && start.minutes < NOON_MINUTES;
    });
    if (!first) continue;
    const firstStart = at(plan, first.startsAt)!;
    const latest = firstStart.ms - BREAKFAST_LEAD_MINUTES * MINUTE_MS;
    if (breakfast.ms <= latest) continue;
    issues.push(
      issue(
        'BREAKFAST_TOO_LATE',
        `Breakfast on ${breakfast.date} starts at ${breakfast.time}, but "${first.title}" starts at ${firstStart.time}; ` +
          `breakfast must be ready ${BREAKFAST_LEAD_MINUTES} minutes earlier, by ${localTime(latest, plan.timeZone).time}.`,
        [meal.id, first.id],
        { date: breakfast.date, lead: BREAKFAST_LEAD_MINUTES },
      ),
    );
  }
  return issues;
}

/**
 * 早餐尽量选择在来宾下榻的宾馆: a breakfast with a place is at the hotel where its guests slept the night
 * before (the place names the hotel, or the hotel's name contains the place). Places are free text, so
 * this is a WARNING; breakfasts without a place, or whose guests have no lodging that night, are not judged.
 */
function checkBreakfastAtHotel(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const meal of plan.meals) {
    const place = meal.place?.trim();
    const breakfast = at(plan, meal.startsAt);
    if (meal.kind !== 'BREAKFAST' || !place || !breakfast) continue;
    const night = addDays(breakfast.date, -1);
    const guests = new Set(attendees(plan, meal).map((g) => g.id));
    const hotels = byId(
      plan.lodgings.filter(
        (l) =>
          norm(l.hotelName) !== '' &&
          isDate(l.checkIn) &&
          isDate(l.checkOut) &&
          l.checkIn <= night &&
          night < l.checkOut &&
          l.rooms.some((r) => r.guestIds.some((id) => guests.has(id))),
      ),
    );
    if (hotels.length === 0) continue;
    if (hotels.some((l) => norm(place).includes(norm(l.hotelName)) || norm(l.hotelName).includes(norm(place)))) continue;
    issues.push(
      issue(
        'BREAKFAST_AWAY_FROM_HOTEL',
        `Breakfast on ${breakfast.date} is at ${place}, not at ${list(hotels.map((l) => l.hotelName))} where its guests stay; ` +
          `serve breakfast in the guests' hotel where possible (name the hotel in the place if it is there).`,
        [meal.id, ...ids(hotels)],
        { date: breakfast.date },
      ),
    );
  }
  return issues;
}

/** 会议补助和误餐费 are paid before the (first) meeting. */
function checkAllowancesBeforeMeeting(plan: VisitPlan): PlanIssue[] {
  const meeting = firstMeeting(plan);
  if (!meeting) return [];
  return allowanceLines(plan)
    .filter((line) => {
      const payable = toMillis(line.payableAt);
      return payable !== null && payable > meeting.ms;
    })
    .map((line) =>
      issue(
        'ALLOWANCE_AFTER_MEETING',
        `${budgetLabel(line)} is payable at ${at(plan, line.payableAt)!.dateTime}, after "${meeting.item.title}" starts ` +
          `(${meeting.local.dateTime}); pay it before the meeting.`,
        [line.id, meeting.item.id],
      ),
    );
}

/** An allowance with no (valid) payment time while there is a meeting to pay it before. */
function checkAllowancesScheduled(plan: VisitPlan): PlanIssue[] {
  const meeting = firstMeeting(plan);
  if (!meeting) return [];
  return allowanceLines(plan)
    .filter((line) => toMillis(line.payableAt) === null)
    .map((line) =>
      issue('ALLOWANCE_UNSCHEDULED', `${budgetLabel(line)} has no payment time; schedule it before "${meeting.item.title}" (${meeting.local.dateTime}).`, [
        line.id,
        meeting.item.id,
      ]),
    );
}

function checkItineraryTimes(plan: VisitPlan): PlanIssue[] {
  return plan.itinerary
    .filter((item) => span(item) === null)
    .map((item) =>
      issue('ITINERARY_INVALID_TIME', `"${item.title}" has an invalid time: it must end after it starts (${item.startsAt} – ${item.endsAt}).`, [item.id], {
        title: item.title,
      }),
    );
}

/** Two items whose [start, end) intersect, one issue per pair (ids in chronological order). */
function checkItineraryOverlaps(plan: VisitPlan): PlanIssue[] {
  const items = validItems(plan);
  const issues: PlanIssue[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (!(a.start < b.end && b.start < a.end)) continue;
      issues.push(
        issue(
          'ITINERARY_OVERLAP',
          `"${a.item.title}" (${at(plan, a.item.startsAt)!.time}–${at(plan, a.item.endsAt)!.time}) overlaps ` +
            `"${b.item.title}" (${at(plan, b.item.startsAt)!.time}–${at(plan, b.item.endsAt)!.time}).`,
          [a.item.id, b.item.id],
          { first: a.item.title, second: b.item.title },
        ),
      );
    }
  }
  return issues;
}

/** Not too tight: consecutive items at different places leave at least 10 minutes to get there. */
function checkItineraryGaps(plan: VisitPlan): PlanIssue[] {
  const items = validItems(plan);
  const issues: PlanIssue[] = [];
  for (let i = 0; i + 1 < items.length; i++) {
    const a = items[i]!;
    const b = items[i + 1]!;
    const gap = b.start - a.end;
    if (gap < 0 || gap >= MIN_GAP_BETWEEN_PLACES_MINUTES * MINUTE_MS) continue;
    if (!a.item.place?.trim() || !b.item.place?.trim() || norm(a.item.place) === norm(b.item.place)) continue;
    issues.push(
      issue(
        'ITINERARY_TIGHT',
        `Only ${Math.round(gap / MINUTE_MS)} minutes between "${a.item.title}" at ${a.item.place} and "${b.item.title}" ` +
          `at ${b.item.place}; leave at least ${MIN_GAP_BETWEEN_PLACES_MINUTES} minutes to move.`,
        [a.item.id, b.item.id],
        { first: a.item.title, second: b.item.title, gap: Math.round(gap / MINUTE_MS), min: MIN_GAP_BETWEEN_PLACES_MINUTES },
      ),
    );
  }
  return issues;
}

/** Every night of the visit (local dates), every guest has a room in a lodging that covers the night. */
function checkGuestLodging(plan: VisitPlan): PlanIssue[] {
  const first = at(plan, plan.startsAt);
  const last = at(plan, plan.endsAt);
  if (!first || !last || first.date >= last.date) return [];
  const issues: PlanIssue[] = [];
  for (const guest of byId(plan.guests)) {
    const stays = plan.lodgings
      .filter((l) => isDate(l.checkIn) && isDate(l.checkOut) && l.rooms.some((r) => r.guestIds.includes(guest.id)))
      .map((l) => ({ from: l.checkIn, to: l.checkOut }));
    const missing = uncoveredNights(first.date, last.date, stays);
    if (missing.length === 0) continue;
    issues.push(
      issue(
        'GUEST_WITHOUT_LODGING',
        `${guest.name} has no room for the night(s) of ${list(missing)}; book lodging covering every night of the visit.`,
        [guest.id],
        {
          guest: guest.name,
          nights: missing,
        },
      ),
    );
  }
  return issues;
}

/** Gifts are checked against their recipients' taboos (no recipients: the whole delegation). */
function checkGiftTaboos(plan: VisitPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const gift of plan.gifts) {
    for (const guest of giftRecipients(plan, gift.recipientGuestIds)) {
      const hits = restrictionsHit(guest, gift.tags);
      if (hits.length === 0) continue;
      issues.push(
        issue(
          'GIFT_TABOO',
          `The gift "${gift.item}" is tagged ${list(hits.map((r) => r.restricted))}, a taboo of ${guest.name} ` +
            `(${list(hits.map(describeRestriction))}); choose another gift.`,
          [gift.id, guest.id, ...ids(hits)],
          { gift: gift.item, guest: guest.name },
        ),
      );
    }
  }
  return issues;
}

/**
 * 礼物太重也不适当 (and 不奢侈浪费): the gifts' value stays within the planned gift budget. A gift's value is
 * that of one piece, given to each recipient (no recipients: each guest). Judged only when the budget
 * has GIFTS lines; gifts of unknown value are left out of the sum.
 */
function checkGiftBudget(plan: VisitPlan): PlanIssue[] {
  const lines = byId(plan.budget.filter((l) => l.category === 'GIFTS' && cents(l.planned) !== null));
  if (lines.length === 0) return [];
  const budget = lines.reduce((sum, l) => sum + cents(l.planned)!, 0);
  const valued = byId(plan.gifts.filter((g) => cents(g.value) !== null));
  const parts = valued.map((gift) => ({ gift, pieces: giftRecipients(plan, gift.recipientGuestIds).length }));
  const total = parts.reduce((sum, p) => sum + cents(p.gift.value)! * p.pieces, 0);
  if (total <= budget) return [];
  const terms = parts.filter((p) => p.pieces > 0).map((p) => `"${p.gift.item}" ${formatCents(cents(p.gift.value)!)} × ${p.pieces}`);
  return [
    issue(
      'GIFTS_OVER_BUDGET',
      `The gifts come to ${formatCents(total)} (${list(terms)}), more than the gift budget of ${formatCents(budget)}; ` +
        `a gift should be neither too light nor too heavy: choose lighter gifts or have the budget approved.`,
      [...ids(parts.filter((p) => p.pieces > 0).map((p) => p.gift)), ...ids(lines)],
      { total: formatCents(total), budget: formatCents(budget) },
    ),
  ];
}

function checkPrincipalGuest(plan: VisitPlan): PlanIssue[] {
  if (plan.guests.length === 0 || plan.guests.some((g) => g.principalOrder === 1)) return [];
  return [
    issue(
      'NO_PRINCIPAL_GUEST',
      'No guest is marked as the first principal guest (主宾); the reception level and the host leader are matched to that guest.',
      ids(plan.guests),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Plan helpers

/** The guests at a meal: its guest list, or the whole delegation when null. */
function attendees(plan: VisitPlan, meal: PlanMeal): PlanGuest[] {
  if (meal.guestIds === null) return plan.guests;
  const present = new Set(meal.guestIds);
  return plan.guests.filter((g) => present.has(g.id));
}

/** A gift's recipients: the guests listed, or the whole delegation when none are. */
function giftRecipients(plan: VisitPlan, recipientGuestIds: string[]): PlanGuest[] {
  return recipientGuestIds.length === 0 ? plan.guests : plan.guests.filter((g) => recipientGuestIds.includes(g.id));
}

/** The names of the plan's guests among these ids, in id order. */
function guestNames(plan: VisitPlan, guestIds: string[]): string[] {
  const present = new Set(guestIds);
  return byId(plan.guests.filter((g) => present.has(g.id))).map((g) => g.name);
}

function isUnfit(room: PlanRoom): boolean {
  return Boolean(room.unfitReason?.trim());
}

/** The local day before the visit (YYYY-MM-DD), or "-" when its start does not parse. */
function dueDate(plan: VisitPlan): string {
  const start = at(plan, plan.startsAt);
  return start ? addDays(start.date, -READINESS_DAYS_BEFORE) : '-';
}

/** A meal as "YYYY-MM-DD HH:MM" (local) and its place: the same in every language. */
function mealRef(plan: VisitPlan, meal: PlanMeal): string {
  const local = at(plan, meal.startsAt);
  return [local?.dateTime, meal.place].filter(Boolean).join(' ') || meal.id;
}

/** "by YYYY-MM-DD (the day before the visit)" (local), or "before the visit" when its start does not parse. */
function dueBy(plan: VisitPlan): string {
  const start = at(plan, plan.startsAt);
  return start ? `by ${addDays(start.date, -READINESS_DAYS_BEFORE)} (the day before the visit)` : 'before the visit';
}

/** The guest's restrictions named by one of the tags (case-insensitive), sorted by id. */
function restrictionsHit(guest: PlanGuest, tags: string[]): PlanDietaryRestriction[] {
  const tagSet = new Set(tags.map(norm));
  return byId(guest.dietaryRestrictions.filter((r) => norm(r.restricted) !== '' && tagSet.has(norm(r.restricted))));
}

/** The first principal guest: lowest principalOrder, then id. */
function firstPrincipalGuest(plan: VisitPlan): PlanGuest | undefined {
  return plan.guests.filter((g) => g.principalOrder !== null).sort((a, b) => a.principalOrder! - b.principalOrder! || compareStrings(a.id, b.id))[0];
}

/** The unit's guest of highest known rank (lowest level, then id). */
function topRankedGuestOfUnit(plan: VisitPlan, unit: string): PlanGuest | undefined {
  return plan.guests.filter((g) => unitOf(g) === unit && g.rankLevel !== null).sort((a, b) => a.rankLevel! - b.rankLevel! || compareStrings(a.id, b.id))[0];
}

function guestReceivedBy(plan: VisitPlan, host: PlanHost): PlanGuest | undefined {
  const unit = unitOf(host);
  return unit !== null ? topRankedGuestOfUnit(plan, unit) : firstPrincipalGuest(plan);
}

function unitOf(record: { unit: string | null }): string | null {
  return record.unit?.trim() || null;
}

function allowanceLines(plan: VisitPlan) {
  return byId(plan.budget.filter((l) => l.category === 'MEETING_SUBSIDY' || l.category === 'MEAL_ALLOWANCE'));
}

function firstMeeting(plan: VisitPlan) {
  const item = byStart(plan.itinerary).find((i) => i.kind === 'MEETING' && toMillis(i.startsAt) !== null);
  if (!item) return undefined;
  const local = at(plan, item.startsAt)!;
  return { item, ms: local.ms, local };
}

/** Items with a valid [start, end), by start, then end, then id. */
function validItems(plan: VisitPlan) {
  return plan.itinerary
    .map((item) => ({ item, span: span(item) }))
    .filter((x) => x.span !== null)
    .map((x) => ({ item: x.item, start: x.span!.start, end: x.span!.end }))
    .sort((a, b) => a.start - b.start || a.end - b.end || compareStrings(a.item.id, b.item.id));
}

function span(item: PlanItineraryItem): { start: number; end: number } | null {
  const start = toMillis(item.startsAt);
  const end = toMillis(item.endsAt);
  return start !== null && end !== null && end > start ? { start, end } : null;
}

/** Items by start time (unparsable last), then id. */
function byStart(items: PlanItineraryItem[]): PlanItineraryItem[] {
  const key = (i: PlanItineraryItem) => toMillis(i.startsAt) ?? Number.POSITIVE_INFINITY;
  return [...items].sort((a, b) => key(a) - key(b) || compareStrings(a.id, b.id));
}

function describeRestriction(r: PlanDietaryRestriction): string {
  return `${r.category.toLowerCase()} restriction${r.note?.trim() ? `: ${r.note.trim()}` : ''}`;
}

function mealLabel(plan: VisitPlan, meal: PlanMeal): string {
  const local = at(plan, meal.startsAt);
  return `${meal.kind.toLowerCase()}${local ? ` of ${local.dateTime}` : ''}${meal.place ? ` (${meal.place})` : ''}`;
}

function vehicleLabel(vehicle: { id: string; kind: string; plate: string | null }): string {
  return `${vehicle.kind.toLowerCase()} ${vehicle.plate?.trim() || vehicle.id}`;
}

function budgetLabel(line: { category: string; description: string | null }): string {
  const name = line.category === 'MEETING_SUBSIDY' ? 'The meeting subsidy' : 'The meal allowance';
  return line.description?.trim() ? `${name} "${line.description.trim()}"` : name;
}

/** A decimal amount ("1200.50") in integer cents, or null when it is missing or not an amount. */
function cents(amount: string | null): number | null {
  if (amount === null || !/^-?\d+(\.\d{1,2})?$/.test(amount.trim())) return null;
  const [whole, fraction = ''] = amount.trim().replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return amount.trim().startsWith('-') ? -value : value;
}

function formatCents(value: number): string {
  const abs = Math.abs(value);
  return `${value < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function hasPhone(phone: string): boolean {
  return /\d/.test(phone);
}

function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

// ---------------------------------------------------------------------------------------------
// Nights (local calendar dates, YYYY-MM-DD)

/**
 * The nights from `first` up to the night before `last` not covered by any stay [from, to), as
 * "YYYY-MM-DD" or "YYYY-MM-DD to YYYY-MM-DD" ranges (inclusive).
 */
export function uncoveredNights(first: string, last: string, stays: { from: string; to: string }[]): string[] {
  const ranges: string[] = [];
  const push = (from: string, to: string) => {
    const lastNight = addDays(to, -1);
    ranges.push(from === lastNight ? from : `${from} to ${lastNight}`);
  };
  let cursor = first;
  for (const stay of stays.filter((s) => s.from < s.to).sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to))) {
    if (cursor >= last) break;
    if (stay.to <= cursor) continue;
    if (stay.from > cursor) push(cursor, stay.from < last ? stay.from : last);
    if (stay.to > cursor) cursor = stay.to;
  }
  if (cursor < last) push(cursor, last);
  return ranges;
}

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

function addDays(date: string, days: number): string {
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Local time in the plan's zone

export interface LocalTime {
  ms: number;
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** HH:MM in the zone. */
  time: string;
  /** "YYYY-MM-DD HH:MM" in the zone. */
  dateTime: string;
  /** Minutes since local midnight. */
  minutes: number;
}

function toMillis(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** The local time of an ISO instant in the plan's zone, or null when it does not parse. */
function at(plan: VisitPlan, iso: string | null): LocalTime | null {
  const ms = toMillis(iso);
  return ms === null ? null : localTime(ms, plan.timeZone);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    };
    try {
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' }); // unknown zone
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const date = `${(parts.year ?? '').padStart(4, '0')}-${parts.month}-${parts.day}`;
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return { ms, date, time, dateTime: `${date} ${time}`, minutes: hour * 60 + minute };
}

// ---------------------------------------------------------------------------------------------
// Small utilities

function norm(value: string): string {
  return value.trim().toLowerCase();
}

/** Code-unit order: the same everywhere (no locale). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byId<T extends { id: string }>(records: T[]): T[] {
  return [...records].sort((a, b) => compareStrings(a.id, b.id));
}

function ids(records: { id: string }[]): string[] {
  return records.map((r) => r.id).sort(compareStrings);
}

function list(items: string[]): string {
  return items.join(', ');
}
