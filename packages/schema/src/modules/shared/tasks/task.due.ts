// Due times relative to a visit's milestones (pure: no I/O). "Be at the arrival point 15 minutes before
// arrival" is ARRIVAL − 15 min; "breakfast ready 15 minutes before" is each BREAKFAST − 15 min; "the
// safe-arrival call 1 hour after they should be home" is RETURN_HOME + 60 min.
import type { ItineraryKind, MealKind, VisitPlan } from '../visits/visit.plan.ts';
import { bilingual } from '../../../shared/template-texts.ts';

export type TaskAnchor = 'VISIT_REQUESTED' | 'VISIT_START' | 'ARRIVAL' | 'EACH_MEAL' | 'EACH_ITINERARY_ITEM' | 'VISIT_END' | 'DEPARTURE' | 'RETURN_HOME';

export const TASK_ANCHORS: readonly TaskAnchor[] = [
  'VISIT_REQUESTED',
  'VISIT_START',
  'ARRIVAL',
  'EACH_MEAL',
  'EACH_ITINERARY_ITEM',
  'VISIT_END',
  'DEPARTURE',
  'RETURN_HOME',
];

export interface Milestone {
  /** The meal or itinerary item the time belongs to (per-record anchors), else null. */
  recordId: string | null;
  label: string | null;
  at: Date;
}

const first = <T>(rows: T[], pick: (row: T) => string | null): Date | null => {
  const times = rows
    .map(pick)
    .filter((t): t is string => Boolean(t))
    .sort();
  return times[0] ? new Date(times[0]) : null;
};

/**
 * The moments an anchor stands for in this plan: one for a single milestone, one per matching meal or
 * itinerary item for EACH_MEAL / EACH_ITINERARY_ITEM. Live travel progress wins over the planned time.
 */
export function milestones(
  plan: VisitPlan,
  requestedAt: Date,
  anchor: TaskAnchor,
  filter: { mealKind?: MealKind | null; itineraryKind?: ItineraryKind | null } = {},
): Milestone[] {
  const inbound = plan.travel.filter((l) => l.direction === 'INBOUND');
  const outbound = plan.travel.filter((l) => l.direction === 'OUTBOUND');
  const single = (at: Date | null): Milestone[] => (at ? [{ recordId: null, label: null, at }] : []);
  switch (anchor) {
    case 'VISIT_REQUESTED':
      return single(requestedAt);
    case 'VISIT_START':
      return single(new Date(plan.startsAt));
    case 'VISIT_END':
      return single(new Date(plan.endsAt));
    case 'ARRIVAL':
      return single(first(inbound, (l) => l.expectedArrivalAt ?? l.arrivalAt) ?? new Date(plan.startsAt));
    case 'DEPARTURE':
      return single(first(outbound, (l) => l.departureAt) ?? new Date(plan.endsAt));
    case 'RETURN_HOME':
      return single(first(outbound, (l) => l.expectedArrivalAt ?? l.arrivalAt) ?? new Date(plan.endsAt));
    case 'EACH_MEAL':
      return plan.meals
        .filter((m) => !filter.mealKind || m.kind === filter.mealKind)
        .map((m) => ({ recordId: m.id, label: `${MEAL_NAMES[m.kind]} ${localTime(m.startsAt, plan.timeZone)}`, at: new Date(m.startsAt) }))
        .sort((a, b) => a.at.getTime() - b.at.getTime());
    case 'EACH_ITINERARY_ITEM':
      return plan.itinerary
        .filter((i) => !filter.itineraryKind || i.kind === filter.itineraryKind)
        .map((i) => ({ recordId: i.id, label: i.title, at: new Date(i.startsAt) }))
        .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}

const MEAL_NAMES: Record<MealKind, string> = {
  BREAKFAST: bilingual('早餐', 'breakfast'),
  LUNCH: bilingual('午餐', 'lunch'),
  DINNER: bilingual('晚餐', 'dinner'),
  BANQUET: bilingual('宴请', 'banquet'),
};

/** "11-30 12:00" in the tenant's time zone. */
function localTime(iso: string, timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).formatToParts(new Date(iso));
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  } catch {
    return iso.slice(5, 16).replace('T', ' ');
  }
}

export const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

/** The due time of a task anchored to `anchor` (+ record), or null when that milestone is gone. */
export function dueAt(plan: VisitPlan, requestedAt: Date, task: { anchor: TaskAnchor; anchorRecordId: string | null; offsetMinutes: number }): Date | null {
  const found = milestones(plan, requestedAt, task.anchor).find((m) => m.recordId === task.anchorRecordId);
  return found ? addMinutes(found.at, task.offsetMinutes) : null;
}
