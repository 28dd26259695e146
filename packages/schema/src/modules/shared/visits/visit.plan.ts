// The reception plan of one visit as plain data: what plan checks read, what a plan version freezes,
// and what two versions are diffed on. Loaded by visit.service.ts (loadPlan); no GraphQL, no Prisma.
// Times are ISO-8601 strings (UTC); money is a decimal string with two places ("1200.00").

// The vocabularies of a plan, as values (leaf module: services and GraphQL import them from here).
export const DIETARY_CATEGORIES = ['RELIGIOUS', 'REGIONAL', 'OCCUPATIONAL', 'PERSONAL'] as const;
export const ITINERARY_KINDS = ['MEETING', 'MEAL', 'SITE_VISIT', 'LODGING_CHECK_IN', 'CULTURAL_ACTIVITY', 'SIGHTSEEING', 'FAREWELL', 'OTHER'] as const;
export const MEAL_KINDS = ['BREAKFAST', 'LUNCH', 'DINNER', 'BANQUET'] as const;
export const VEHICLE_KINDS = ['SEDAN', 'SUV', 'MINIBUS', 'COACH'] as const;
export const BUDGET_CATEGORIES = ['LODGING', 'MEALS', 'VEHICLES', 'GIFTS', 'MEETING_SUBSIDY', 'MEAL_ALLOWANCE', 'OTHER'] as const;
export const VISIT_PURPOSES = ['LEADER_VISIT', 'WORK_INSPECTION', 'BUSINESS_EXCHANGE', 'CONFERENCE', 'OTHER'] as const;

export type VisitPurpose = 'LEADER_VISIT' | 'WORK_INSPECTION' | 'BUSINESS_EXCHANGE' | 'CONFERENCE' | 'OTHER';
export type VisitStatus = 'REQUESTED' | 'PLANNING' | 'PENDING_APPROVAL' | 'APPROVED' | 'IN_PROGRESS' | 'COMPLETED' | 'ARCHIVED' | 'CANCELLED';
export type Gender = 'FEMALE' | 'MALE' | 'UNSPECIFIED';
export type DietaryCategory = 'RELIGIOUS' | 'REGIONAL' | 'OCCUPATIONAL' | 'PERSONAL';
export type TravelMode = 'CAR' | 'TRAIN' | 'PLANE' | 'BUS';
export type TravelDirection = 'INBOUND' | 'OUTBOUND';
export type HostRole = 'HOST_LEADER' | 'ACCOMPANYING' | 'GREETER';
export type ItineraryKind = 'MEETING' | 'MEAL' | 'SITE_VISIT' | 'LODGING_CHECK_IN' | 'CULTURAL_ACTIVITY' | 'SIGHTSEEING' | 'FAREWELL' | 'OTHER';
export type MealKind = 'BREAKFAST' | 'LUNCH' | 'DINNER' | 'BANQUET';
export type VehicleKind = 'SEDAN' | 'SUV' | 'MINIBUS' | 'COACH';
export type BudgetCategory = 'LODGING' | 'MEALS' | 'VEHICLES' | 'GIFTS' | 'MEETING_SUBSIDY' | 'MEAL_ALLOWANCE' | 'OTHER';

export interface PlanDietaryRestriction {
  id: string;
  category: DietaryCategory;
  /** What is restricted, a lower-case ingredient tag: pork, alcohol, beef, seafood, nuts … */
  restricted: string;
  note: string | null;
}

export interface PlanGuest {
  id: string;
  name: string;
  gender: Gender;
  ethnicity: string | null;
  title: string | null;
  /** Rank on the tenant's ladder, 1 = highest; null when unknown. */
  rankLevel: number | null;
  organization: string | null;
  /** The visiting unit the guest belongs to (several units may visit together). */
  unit: string | null;
  /** 1 = first principal guest (主宾), 2 = second …; null for other guests. */
  principalOrder: number | null;
  dietaryRestrictions: PlanDietaryRestriction[];
}

export interface PlanContact {
  id: string;
  name: string;
  phone: string;
  role: string | null;
}

export interface PlanTravelLeg {
  id: string;
  direction: TravelDirection;
  mode: TravelMode;
  origin: string | null;
  destination: string | null;
  departureAt: string | null;
  arrivalAt: string | null;
  vehicleType: string | null;
  plate: string | null;
  driverCount: number | null;
  /** Live tracking (not material: no re-approval). */
  actualDepartureAt: string | null;
  expectedArrivalAt: string | null;
}

export interface PlanHost {
  id: string;
  membershipId: string;
  displayName: string;
  role: HostRole;
  /** Rank on the tenant's ladder, 1 = highest; null when the member has no rank. */
  rankLevel: number | null;
  /** The visiting unit this host receives (one host per unit). */
  unit: string | null;
  /** Recorded explanation when the host ranks below the guest they receive (礼貌解释). */
  rankExplanation: string | null;
}

export interface PlanItineraryItem {
  id: string;
  kind: ItineraryKind;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  responsibleMembershipId: string | null;
}

export interface PlanRoom {
  id: string;
  floor: number | null;
  number: string;
  roomType: string | null;
  isSpare: boolean;
  guestIds: string[];
  /** When the room was inspected after booking (派人检查所订房间); null: not yet. */
  inspectedAt: string | null;
  /** Why the inspection found the room unfit (有不妥的, 立即更换); null: not unfit. */
  unfitReason: string | null;
}

export interface PlanLodging {
  id: string;
  hotelName: string;
  /** Dates (YYYY-MM-DD) in the tenant's time zone: nights from checkIn to the night before checkOut. */
  checkIn: string;
  checkOut: string;
  rooms: PlanRoom[];
}

export interface PlanDish {
  id: string;
  name: string;
  /** Lower-case ingredient tags: pork, beef, alcohol, seafood, nuts … */
  tags: string[];
}

export interface PlanMeal {
  id: string;
  kind: MealKind;
  startsAt: string;
  place: string | null;
  alcoholServed: boolean;
  /** Guests at the meal; null = the whole delegation. */
  guestIds: string[] | null;
  dishes: PlanDish[];
}

export interface PlanVehicle {
  id: string;
  kind: VehicleKind;
  seats: number;
  plate: string | null;
  driverName: string | null;
  /** The driver was briefed for reception work (对未执行过接待任务的司机进行教育). */
  driverBriefed: boolean;
  /** When the vehicle was checked (严格检查); null: not yet. */
  checkedAt: string | null;
  guestIds: string[];
}

export interface PlanGift {
  id: string;
  item: string;
  /** Value of one piece (each recipient receives one), a decimal string; null when unknown. */
  value: string | null;
  /** Lower-case tags checked against the guests' taboos (e.g. alcohol). */
  tags: string[];
  recipientGuestIds: string[];
}

export interface PlanBudgetLine {
  id: string;
  category: BudgetCategory;
  description: string | null;
  planned: string;
  actual: string | null;
  /** When it is paid out (meeting subsidies and meal allowances: before the meeting). */
  payableAt: string | null;
}

export interface VisitPlan {
  id: string;
  title: string;
  purpose: VisitPurpose;
  status: VisitStatus;
  receptionLevel: string | null;
  visitingOrganization: string | null;
  startsAt: string;
  endsAt: string;
  /** IANA zone of the tenant: meal times, "afternoon", "morning" and nights are judged in it. */
  timeZone: string;
  includesImportantLeader: boolean;
  guests: PlanGuest[];
  contacts: PlanContact[];
  travel: PlanTravelLeg[];
  hosts: PlanHost[];
  itinerary: PlanItineraryItem[];
  lodgings: PlanLodging[];
  meals: PlanMeal[];
  vehicles: PlanVehicle[];
  gifts: PlanGift[];
  budget: PlanBudgetLine[];
  /**
   * Sections other modules contribute (the `planExtensions` visit hook: a kind's reception standard, its
   * seating …), by section name: present in frozen plan versions and compared by plan diffs; left out of the
   * plan that checks read. Versions frozen before a module contributed have none (their diff shows it added).
   */
  extensions?: Record<string, PlanExtensionRecord[]>;
}

/** A value of an extension record's field: JSON scalars, or a list compared as a set. */
export type PlanExtensionValue = string | number | boolean | null | ReadonlyArray<string | number>;

/** One record of a module's plan section: frozen with the plan, diffed by id within its section. */
export interface PlanExtensionRecord {
  /** Unique within the section and stable across versions (e.g. meal id and person id of a seat). */
  id: string;
  label: string;
  /** Where a client finds the record: a GraphQL node type and its raw id (e.g. the Meal of a banquet seat). */
  node: { type: string; id: string };
  /** The diffed fields, in the order a diff reports them. */
  fields: Record<string, PlanExtensionValue>;
}
