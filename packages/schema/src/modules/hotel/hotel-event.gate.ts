// The go/no-go readiness gate of a hotel event (两会接待: 各部门准备情况汇报, 区域检查, 应急预案与演练),
// computed, never set by hand: GO exactly when no reason is left. Every reason names what to clear.
// Pure: the service loads the state, this judges it (the time of judging is part of the state).
import type { HotelDepartment, HotelHazard, HotelReadinessStatus } from '@jiedai/db';
import type { Criterion } from '../shared/assessments/assessment.scoring.ts';
import { normalize, totalScore } from '../shared/assessments/assessment.scoring.ts';

export const GATE_REASON_CODES = [
  'NO_READINESS_ITEMS',
  'DEPARTMENT_NOT_READY',
  'NO_AREAS_TO_INSPECT',
  'AREA_NOT_INSPECTED',
  'AREA_INSPECTION_FAILED',
  'EMERGENCY_PLAN_MISSING',
  'EMERGENCY_PLAN_NOT_DRILLED',
  'TASK_BLOCKED',
  'VISIT_PLAN_BLOCKER',
] as const;
export type GateReasonCode = (typeof GATE_REASON_CODES)[number];

export interface GateReason {
  code: GateReasonCode;
  message: string;
  /** The department concerned (DEPARTMENT_NOT_READY). */
  department: HotelDepartment | null;
  /** The hazard concerned (emergency plans). */
  hazard: HotelHazard | null;
  /** The records to look at: readiness items, event areas, findings, plans, tasks (raw ids with their type). */
  subjects: { type: string; id: string }[];
}

export interface Gate {
  status: 'GO' | 'NO_GO';
  reasons: GateReason[];
}

export interface GateState {
  readinessItems: { id: string; department: HotelDepartment; title: string; status: HotelReadinessStatus }[];
  areas: {
    id: string;
    name: string;
    /** The inspection's assessment: null when none was started. */
    inspection: { status: 'DRAFT' | 'SUBMITTED' | 'REVIEWED' } | null;
    openFindings: { id: string; description: string }[];
  }[];
  /** The hazards whose plans must be drilled for this event. */
  hazards: HotelHazard[];
  plans: { id: string; hazard: HotelHazard; title: string; drills: { id: string; endedAt: Date | null; passed: boolean }[] }[];
  /** A passed drill counts when it ended within this many days before the event starts. */
  drillValidityDays: number;
  eventStartsAt: Date;
  blockedTasks: { id: string; title: string }[];
  visitPlanBlockers: { code: string; message: string }[];
}

export const DEPARTMENT_ORDER: readonly HotelDepartment[] = [
  'FRONT_OFFICE',
  'HOUSEKEEPING',
  'FOOD_AND_BEVERAGE',
  'ENGINEERING',
  'SECURITY',
  'CONFERENCE_SERVICES',
  'OTHER',
];
export const HAZARD_ORDER: readonly HotelHazard[] = ['FIRE', 'POWER_FAILURE', 'FOOD_SAFETY', 'MEDICAL_EMERGENCY', 'CROWD', 'SECURITY_THREAT'];

const DAY_MS = 86_400_000;

/** A department is READY only when every one of its items is; BLOCKED when one is; NOT_STARTED when none has started. */
export function departmentStatus(items: readonly { status: HotelReadinessStatus }[]): HotelReadinessStatus {
  if (items.length > 0 && items.every((i) => i.status === 'READY')) return 'READY';
  if (items.some((i) => i.status === 'BLOCKED')) return 'BLOCKED';
  if (items.every((i) => i.status === 'NOT_STARTED')) return 'NOT_STARTED';
  return 'IN_PROGRESS';
}

/** Whether a plan has a passed drill that is still valid when the event starts. */
export function planDrilled(plan: GateState['plans'][number], eventStartsAt: Date, validityDays: number): boolean {
  const from = eventStartsAt.getTime() - validityDays * DAY_MS;
  return plan.drills.some((d) => d.passed && d.endedAt !== null && d.endedAt.getTime() >= from);
}

const reason = (code: GateReasonCode, message: string, extra: Partial<Omit<GateReason, 'code' | 'message'>> = {}): GateReason => ({
  code,
  message,
  department: extra.department ?? null,
  hazard: extra.hazard ?? null,
  subjects: extra.subjects ?? [],
});

export function judgeGate(state: GateState): Gate {
  const reasons: GateReason[] = [];

  if (state.readinessItems.length === 0) {
    reasons.push(reason('NO_READINESS_ITEMS', 'No department has reported any readiness item yet (各部门准备情况汇报): add the items to prepare'));
  }
  for (const department of DEPARTMENT_ORDER) {
    const items = state.readinessItems.filter((i) => i.department === department);
    if (items.length === 0 || departmentStatus(items) === 'READY') continue;
    const open = items.filter((i) => i.status !== 'READY');
    reasons.push(
      reason('DEPARTMENT_NOT_READY', `${department}: ${open.length} of ${items.length} items not ready (${open.map((i) => i.title).join('; ')})`, {
        department,
        subjects: open.map((i) => ({ type: 'HotelReadinessItem', id: i.id })),
      }),
    );
  }

  if (state.areas.length === 0) {
    reasons.push(reason('NO_AREAS_TO_INSPECT', 'No area of the hotel is named for this event: add the venue, guest rooms, restaurant, monitoring room'));
  }
  for (const area of state.areas) {
    if (!area.inspection || area.inspection.status === 'DRAFT') {
      reasons.push(reason('AREA_NOT_INSPECTED', `${area.name} has not been inspected`, { subjects: [{ type: 'HotelEventArea', id: area.id }] }));
    } else if (area.openFindings.length > 0) {
      reasons.push(
        reason(
          'AREA_INSPECTION_FAILED',
          `${area.name}: ${area.openFindings.length} finding(s) not corrected yet (${area.openFindings.map((f) => f.description).join('; ')})`,
          { subjects: [{ type: 'HotelEventArea', id: area.id }, ...area.openFindings.map((f) => ({ type: 'Finding', id: f.id }))] },
        ),
      );
    }
  }

  for (const hazard of HAZARD_ORDER) {
    if (!state.hazards.includes(hazard)) continue;
    const plan = state.plans.find((p) => p.hazard === hazard);
    if (!plan) {
      reasons.push(reason('EMERGENCY_PLAN_MISSING', `No emergency plan (应急预案) for ${hazard}`, { hazard }));
    } else if (!planDrilled(plan, state.eventStartsAt, state.drillValidityDays)) {
      reasons.push(
        reason('EMERGENCY_PLAN_NOT_DRILLED', `${plan.title}: no drill passed its review within ${state.drillValidityDays} days before the event`, {
          hazard,
          subjects: [{ type: 'HotelEmergencyPlan', id: plan.id }],
        }),
      );
    }
  }

  for (const task of state.blockedTasks) {
    reasons.push(reason('TASK_BLOCKED', `Task blocked: ${task.title}`, { subjects: [{ type: 'Task', id: task.id }] }));
  }
  for (const issue of state.visitPlanBlockers) {
    reasons.push(reason('VISIT_PLAN_BLOCKER', `The visit's plan: ${issue.message} (${issue.code})`));
  }

  return { status: reasons.length === 0 ? 'GO' : 'NO_GO', reasons };
}

// ── reviews: failed criteria and a passed review ────────────────────────────────────────────────

/** A criterion fails below this share of its scale (a PASS_FAIL criterion fails at 0). */
export const CRITERION_PASS_SHARE = 0.6;
/** A review passes with a total of at least this (0–100) and no failed PASS_FAIL criterion. */
export const REVIEW_PASS_MARK = 60;

/** The criteria whose score fails: PASS_FAIL scored 0, any other below 60 % of its scale. */
export function failedCriteria(criteria: readonly Criterion[], scores: ReadonlyMap<string, number>): Criterion[] {
  return criteria.filter((c) => {
    const value = scores.get(c.key);
    if (value === undefined) return false;
    return c.scale.kind === 'PASS_FAIL' ? value === 0 : normalize(c, value) < CRITERION_PASS_SHARE;
  });
}

/** A drill review passes with a total of at least REVIEW_PASS_MARK and every PASS_FAIL criterion passed. */
export function reviewPassed(criteria: readonly Criterion[], scores: ReadonlyMap<string, number>): boolean {
  const total = totalScore([...criteria], scores);
  if (total === null || total < REVIEW_PASS_MARK) return false;
  return criteria.every((c) => c.scale.kind !== 'PASS_FAIL' || scores.get(c.key) === 1);
}
