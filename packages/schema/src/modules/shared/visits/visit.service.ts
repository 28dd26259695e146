// Visits: creating and changing the reception job, its lifecycle, approval with frozen plan versions,
// and the shared rules of every change — optimistic concurrency (expectedVersion), idempotency keys,
// the audit log, and re-approval after a material change to an approved plan.
import { z } from 'zod';
import type { Db, Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import { hasRole } from '../../../shared/access.ts';
import { isMember, ownMembershipId } from '../../../shared/members.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { checkPlan, type PlanIssue } from './visit.checks.ts';
import { diffPlans } from './visit.diff.ts';
import { CLOSED, canMove } from './visit.lifecycle.ts';
import { loadPlan } from './visit.plan-loader.ts';
import { VISIT_PURPOSES, type VisitPlan, type VisitStatus } from './visit.plan.ts';
export { VISIT_PURPOSES };
import { VisitError } from './visit.errors.ts';
import { appendEvent } from '../../core/events/event.service.ts';
import { modulePlanIssues, planChanged, planOnce, planWithExtensions, visitChanged, visitCompleted, type PlanOnce } from './visit.hooks.ts';

/** Event-log topic of visit notifications (subject: the visit). */
export const VISIT_TOPIC = 'visit';

// ── plan issues: the text's rules, computed ─────────────────────────────────────────────────────

export type VisitPlanIssue = Omit<PlanIssue, 'code'> & { code: PlanIssue['code'] | 'IMPORTANT_LEADER_NOT_ESCALATED' };

/**
 * Plan checks plus the visit-level rules the plain plan cannot see, judged now: readiness (rooms
 * inspected, vehicles checked) blocks from the local day before the visit.
 */
export function planIssues(plan: VisitPlan, visit: { escalatedAt: Date | null }, now: number = Date.now()): VisitPlanIssue[] {
  const issues: VisitPlanIssue[] = checkPlan(plan, { now });
  if (plan.includesImportantLeader && !visit.escalatedAt) {
    issues.push({
      code: 'IMPORTANT_LEADER_NOT_ESCALATED',
      severity: 'BLOCKER',
      message: 'The delegation includes an important leader: report the visit up (向市领导汇报) before submitting the plan',
      recordIds: [plan.id],
    });
  }
  return issues;
}

export async function issuesOf(db: Db, visitId: string) {
  const visit = await db.visit.findUniqueOrThrow({ where: { id: visitId }, select: { escalatedAt: true } });
  return planIssues(await loadPlan(db, visitId), visit);
}

// ── every change goes through here ──────────────────────────────────────────────────────────────

export interface ChangeOptions {
  visitId: string;
  expectedVersion: number;
  /** Audit action, e.g. "guest.saved". */
  action: string;
  /** Material changes (dates, guests, lodging, meals, vehicles, hosts, budget) re-open approval. */
  material: boolean;
  auditData?: Prisma.InputJsonValue;
  /** Allowed in closed visits (follow-up after completion). */
  allowClosed?: boolean;
}

/**
 * Checks the version (CONFLICT when stale) and the status, bumps the version atomically (a
 * concurrent writer with the same expectedVersion gets CONFLICT), runs `fn`, and when the change is
 * material and the plan was approved or awaiting approval, records a new plan version for approval
 * and notifies everyone assigned to the visit.
 */
export async function changeVisit<T>(deps: ServiceDeps, options: ChangeOptions, fn: () => Promise<T>): Promise<T> {
  const visit = await deps.db.visit.findUnique({ where: { id: options.visitId } });
  if (!visit) throw new VisitError('NOT_FOUND', 'No such visit');
  if (visit.version !== options.expectedVersion) {
    throw new VisitError('CONFLICT', `The visit changed meanwhile: it is at version ${visit.version}, not ${options.expectedVersion}`);
  }
  if (CLOSED.includes(visit.status) && !options.allowClosed) {
    throw new VisitError('VISIT_CLOSED', `A ${visit.status.toLowerCase()} visit no longer changes`);
  }
  const bumped = await deps.db.visit.updateMany({
    where: { id: visit.id, version: options.expectedVersion },
    data: { version: { increment: 1 } },
  });
  if (bumped.count !== 1) throw new VisitError('CONFLICT', 'The visit changed meanwhile');
  const result = await fn();
  await recordAudit(deps, {
    action: `visit.${options.action}`,
    targetType: 'Visit',
    targetId: visit.id,
    data: { version: visit.version + 1, ...(options.auditData ? { change: options.auditData } : {}) },
  });
  await visitChanged(deps, visit.id);
  // The plan after the change, loaded once for re-approval, every hook that reads it, and its issues.
  const plan = planOnce(deps.db, visit.id);
  if (options.material) {
    if (visit.status === 'APPROVED' || visit.status === 'PENDING_APPROVAL') {
      await reopenApproval(deps, visit.id, visit.status, options.action, plan);
    }
    // Dates, travel, meals or the itinerary may have moved: the modules that follow them hear it (tasks' due times).
    await planChanged(deps, visit.id, plan);
  }
  await raiseNewPlanIssues(deps, visit.id, plan);
  return result;
}

/** An issue as the same issue after another change: its code and the records it names. */
const issueKey = (issue: { code: string; recordIds?: readonly string[] | null }) => `${issue.code}:${[...(issue.recordIds ?? [])].sort().join(',')}`;

/**
 * After a change of the visit: the plan's issues now, against those it had after the last change
 * (visit_plan_issue_states); issues that are new are told to everyone assigned (`visit.plan_issues_raised`,
 * webhook PLAN_ISSUES_RAISED). Issues that appear with time alone (readiness turning BLOCKER the day
 * before) are seen at the next change, not when the day begins.
 */
async function raiseNewPlanIssues(deps: ServiceDeps, visitId: string, plan: PlanOnce) {
  const visit = await deps.db.visit.findUniqueOrThrow({ where: { id: visitId }, select: { escalatedAt: true, status: true } });
  if (CLOSED.includes(visit.status)) return;
  const now = await plan();
  const issues = [...planIssues(now, visit), ...(await modulePlanIssues(deps.db, visitId, now))];
  const keys = [...new Set(issues.map(issueKey))].sort();
  const state = await deps.db.visitPlanIssueState.findUnique({ where: { tenantId_visitId: { tenantId: deps.access.tenantId!, visitId } } });
  const before = new Set(state?.issueKeys ?? []);
  if (state && state.issueKeys.length === keys.length && keys.every((k) => before.has(k))) return;
  await deps.db.visitPlanIssueState.upsert({
    where: { tenantId_visitId: { tenantId: deps.access.tenantId!, visitId } },
    create: { tenantId: deps.access.tenantId!, visitId, issueKeys: keys },
    update: { issueKeys: keys, updatedAt: new Date() },
  });
  const raised = issues.filter((issue, i) => !before.has(issueKey(issue)) && issues.findIndex((o) => issueKey(o) === issueKey(issue)) === i);
  if (raised.length === 0) return;
  await notifyAssigned(deps, visitId, 'visit.plan_issues_raised', {
    issues: raised.map((issue) => ({ code: issue.code, severity: issue.severity, message: issue.message, recordIds: issue.recordIds ?? [] })),
    blockers: issues.filter((issue) => issue.severity === 'BLOCKER').length,
    warnings: issues.filter((issue) => issue.severity === 'WARNING').length,
  });
}

/** A material change after approval: back to PENDING_APPROVAL with a new version, and notify. */
async function reopenApproval(deps: ServiceDeps, visitId: string, status: VisitStatus, action: string, planNow: PlanOnce) {
  const latest = await deps.db.visitPlanVersion.findFirst({ where: { visitId }, orderBy: { number: 'desc' } });
  // What the version freezes: the plan with the modules' sections (a kind's standard, its seating …).
  const plan = await planWithExtensions(deps.db, visitId, await planNow());
  await deps.db.visitPlanVersion.updateMany({ where: { visitId, decision: 'PENDING' }, data: { decision: 'SUPERSEDED' } });
  const version = await deps.db.visitPlanVersion.create({
    data: {
      tenantId: deps.access.tenantId!,
      visitId,
      number: (latest?.number ?? 0) + 1,
      snapshot: plan as unknown as Prisma.InputJsonValue,
      reason: `changed after ${status === 'APPROVED' ? 'approval' : 'submission'}: ${action}`,
      submittedById: deps.access.userId,
    },
  });
  await deps.db.visit.update({ where: { id: visitId }, data: { status: 'PENDING_APPROVAL' } });
  if (status === 'APPROVED' && latest) {
    const diff = diffPlans(latest.snapshot as unknown as VisitPlan, plan);
    await notifyAssigned(deps, visitId, 'visit.plan_changed_after_approval', {
      version: version.number,
      approvedVersion: latest.number,
      added: diff.added.length,
      removed: diff.removed.length,
      changed: diff.changed.length + (diff.visit.length > 0 ? 1 : 0),
    });
  }
}

/** Appends an event for everyone assigned to the visit (coordinator, hosts, people responsible for items). */
export async function notifyAssigned(deps: ServiceDeps, visitId: string, type: string, payload: Record<string, unknown>) {
  const visit = await deps.db.visit.findUniqueOrThrow({
    where: { id: visitId },
    select: { coordinatorId: true, hosts: { select: { membershipId: true } }, itinerary: { select: { responsibleMembershipId: true } } },
  });
  const recipients = [
    ...new Set(
      [visit.coordinatorId, ...visit.hosts.map((h) => h.membershipId), ...visit.itinerary.map((i) => i.responsibleMembershipId)].filter((id): id is string =>
        Boolean(id),
      ),
    ),
  ].sort();
  return appendEvent(deps, {
    topic: VISIT_TOPIC,
    type,
    subjectId: visitId,
    payload: { ...payload, recipientMembershipIds: recipients } as Prisma.InputJsonValue,
  });
}

// ── the visit itself ────────────────────────────────────────────────────────────────────────────

const visitFields = {
  title: z.string().trim().min(1).max(300),
  purpose: z.enum(VISIT_PURPOSES),
  receptionLevel: z.string().trim().max(200).nullish(),
  visitingOrganization: z.string().trim().max(300).nullish(),
  startsAt: z.date(),
  endsAt: z.date(),
  includesImportantLeader: z.boolean(),
  coordinatorId: z.string().uuid().nullish(),
  notes: z.string().max(5000).nullish(),
};
const endsAfterStart = (v: { startsAt?: Date; endsAt?: Date }) => !v.startsAt || !v.endsAt || v.endsAt > v.startsAt;
const createInput = z
  .object({ ...visitFields, includesImportantLeader: visitFields.includesImportantLeader.default(false) })
  .refine(endsAfterStart, { path: ['endsAt'], message: 'must be after startsAt' });
const updateInput = z
  .object(visitFields)
  .partial()
  .refine(endsAfterStart, { path: ['endsAt'], message: 'must be after startsAt' });

export async function createVisit(deps: ServiceDeps, input: z.input<typeof createInput>) {
  const data = parseInput(createInput, input);
  await assertMembership(deps.db, data.coordinatorId);
  const visit = await deps.db.visit.create({
    data: {
      ...data,
      tenantId: deps.access.tenantId!,
      createdById: deps.access.userId,
      coordinatorId: data.coordinatorId ?? (await ownMembershipId(deps)),
    },
  });
  await recordAudit(deps, { action: 'visit.created', targetType: 'Visit', targetId: visit.id, data: { purpose: visit.purpose } });
  return visit;
}

export async function updateVisit(deps: ServiceDeps, visitId: string, expectedVersion: number, input: z.input<typeof updateInput>) {
  const data = parseInput(updateInput, input);
  const current = await deps.db.visit.findUnique({ where: { id: visitId } });
  if (current && !endsAfterStart({ startsAt: data.startsAt ?? current.startsAt, endsAt: data.endsAt ?? current.endsAt })) {
    parseInput(z.object({ endsAt: z.never({ message: 'must be after startsAt' }) }), {});
  }
  await assertMembership(deps.db, data.coordinatorId);
  // Dates and the delegation's composition are material; a title or a note is not.
  const material = ['startsAt', 'endsAt', 'purpose', 'receptionLevel', 'includesImportantLeader'].some((k) => data[k as keyof typeof data] !== undefined);
  return changeVisit(deps, { visitId, expectedVersion, action: 'updated', material, auditData: Object.keys(data) }, () =>
    deps.db.visit.update({ where: { id: visitId }, data }),
  );
}

export async function assertMembership(db: Db, membershipId: string | null | undefined) {
  if (membershipId && !(await isMember(db, membershipId))) {
    throw new VisitError('INVALID_REFERENCE', 'No such member in this tenant');
  }
}

// ── lifecycle ───────────────────────────────────────────────────────────────────────────────────

export async function changeVisitStatus(deps: ServiceDeps, input: { visitId: string; expectedVersion: number; to: VisitStatus; reason?: string | null }) {
  const visit = await deps.db.visit.findUnique({ where: { id: input.visitId } });
  if (!visit) throw new VisitError('NOT_FOUND', 'No such visit');
  if (!canMove(visit.status, input.to)) {
    throw new VisitError('ILLEGAL_TRANSITION', `A visit cannot go from ${visit.status} to ${input.to}`);
  }
  if (input.to === 'ARCHIVED' && !visit.summary) {
    throw new VisitError('FOLLOW_UP_INCOMPLETE', 'Write the reception summary (书面总结) before archiving');
  }
  return changeVisit(
    deps,
    {
      visitId: visit.id,
      expectedVersion: input.expectedVersion,
      action: `status.${input.to.toLowerCase()}`,
      material: false,
      allowClosed: true,
      auditData: { from: visit.status, to: input.to, reason: input.reason ?? null },
    },
    async () => {
      if (input.to === 'PLANNING' || input.to === 'CANCELLED') {
        await deps.db.visitPlanVersion.updateMany({ where: { visitId: visit.id, decision: 'PENDING' }, data: { decision: 'SUPERSEDED' } });
      }
      const updated = await deps.db.visit.update({ where: { id: visit.id }, data: { status: input.to } });
      // 总结: a completed visit gets its post-visit review, in draft, for its coordinator (assessments' hook).
      if (input.to === 'COMPLETED') await visitCompleted(deps, visit.id);
      if (visit.status === 'APPROVED' || input.to === 'CANCELLED') {
        await notifyAssigned(deps, visit.id, 'visit.status_changed', { from: visit.status, to: input.to, reason: input.reason ?? null });
      }
      return updated;
    },
  );
}

/** Freezes the plan as a new version and asks for approval; refused while the plan has a BLOCKER. */
export async function submitForApproval(deps: ServiceDeps, input: { visitId: string; expectedVersion: number; note?: string | null }) {
  const visit = await deps.db.visit.findUnique({ where: { id: input.visitId } });
  if (!visit) throw new VisitError('NOT_FOUND', 'No such visit');
  if (visit.status !== 'PLANNING' && visit.status !== 'REQUESTED') {
    throw new VisitError('ILLEGAL_TRANSITION', `A ${visit.status} visit cannot be submitted for approval`);
  }
  const plan = await loadPlan(deps.db, visit.id);
  const blockers = [...planIssues(plan, visit), ...(await modulePlanIssues(deps.db, visit.id, plan))].filter((i) => i.severity === 'BLOCKER');
  if (blockers.length > 0) {
    throw new VisitError('PLAN_HAS_BLOCKERS', `The plan has ${blockers.length} blocking issue(s): ${blockers.map((b) => b.code).join(', ')}`);
  }
  const frozen = await planWithExtensions(deps.db, visit.id, plan);
  return changeVisit(deps, { visitId: visit.id, expectedVersion: input.expectedVersion, action: 'submitted', material: false }, async () => {
    const latest = await deps.db.visitPlanVersion.findFirst({ where: { visitId: visit.id }, orderBy: { number: 'desc' } });
    await deps.db.visitPlanVersion.create({
      data: {
        tenantId: deps.access.tenantId!,
        visitId: visit.id,
        number: (latest?.number ?? 0) + 1,
        snapshot: { ...frozen, status: 'PENDING_APPROVAL' } as unknown as Prisma.InputJsonValue,
        reason: input.note ?? 'submitted for approval',
        submittedById: deps.access.userId,
      },
    });
    return deps.db.visit.update({ where: { id: visit.id }, data: { status: 'PENDING_APPROVAL' } });
  });
}

/** An approver approves or rejects the pending plan version, with a comment. */
export async function decidePlan(deps: ServiceDeps, input: { visitId: string; expectedVersion: number; approve: boolean; comment?: string | null }) {
  const comment = parseInput(z.string().trim().max(2000).nullish(), input.comment);
  if (!input.approve && !comment) {
    parseInput(z.object({ comment: z.string({ message: 'a rejection needs a comment' }) }), {});
  }
  const visit = await deps.db.visit.findUnique({ where: { id: input.visitId } });
  if (!visit) throw new VisitError('NOT_FOUND', 'No such visit');
  const pending = await deps.db.visitPlanVersion.findFirst({ where: { visitId: visit.id, decision: 'PENDING' }, orderBy: { number: 'desc' } });
  if (visit.status !== 'PENDING_APPROVAL' || !pending) {
    throw new VisitError('NOT_PENDING_APPROVAL', 'The visit has no plan waiting for approval');
  }
  if (input.approve) {
    await checkSeparateApprover(deps, pending.submittedById);
    const plan = await loadPlan(deps.db, visit.id);
    const blockers = [...planIssues(plan, visit), ...(await modulePlanIssues(deps.db, visit.id, plan))].filter((i) => i.severity === 'BLOCKER');
    if (blockers.length > 0) {
      throw new VisitError('PLAN_HAS_BLOCKERS', `The plan has blocking issues: ${blockers.map((b) => b.code).join(', ')}`);
    }
  }
  return changeVisit(
    deps,
    {
      visitId: visit.id,
      expectedVersion: input.expectedVersion,
      action: input.approve ? 'approved' : 'rejected',
      material: false,
      auditData: { planVersion: pending.number, comment: comment ?? null },
    },
    async () => {
      await deps.db.visitPlanVersion.update({
        where: { id: pending.id },
        data: { decision: input.approve ? 'APPROVED' : 'REJECTED', decidedById: deps.access.userId, decidedAt: new Date(), comment },
      });
      const updated = await deps.db.visit.update({ where: { id: visit.id }, data: { status: input.approve ? 'APPROVED' : 'PLANNING' } });
      await notifyAssigned(deps, visit.id, input.approve ? 'visit.plan_approved' : 'visit.plan_rejected', {
        planVersion: pending.number,
        comment: comment ?? null,
      });
      return updated;
    },
  );
}

/**
 * Four-eyes approval, when the tenant asks for it (Tenant.requireSeparateApprover): the approver must be a person
 * other than the one who submitted the pending version (or whose change re-opened it). An API key is no person, so
 * it cannot approve then. Rejecting one's own submission stays possible (it only sends the plan back).
 */
async function checkSeparateApprover(deps: ServiceDeps, submittedById: string | null) {
  const tenant = await deps.db.tenant.findUniqueOrThrow({ where: { id: deps.access.tenantId! }, select: { requireSeparateApprover: true } });
  if (!tenant.requireSeparateApprover) return;
  if (deps.access.userId === null) {
    throw new VisitError('FOUR_EYES_REQUIRED', 'This tenant requires a separate approver: a person, not an API key, approves a plan');
  }
  if (deps.access.userId === submittedById) {
    throw new VisitError('FOUR_EYES_REQUIRED', 'This tenant requires a separate approver: whoever submitted the plan version may not approve it');
  }
}

export function canDecide(deps: ServiceDeps) {
  return hasRole(deps.access, 'APPROVER');
}

// ── escalation and follow-up ────────────────────────────────────────────────────────────────────

/** Records that a visit including an important leader was reported up (向市领导汇报). */
export async function recordEscalation(deps: ServiceDeps, input: { visitId: string; expectedVersion: number; note: string }) {
  const note = parseInput(z.string().trim().min(1).max(2000), input.note);
  return changeVisit(deps, { visitId: input.visitId, expectedVersion: input.expectedVersion, action: 'escalated', material: false, auditData: { note } }, () =>
    deps.db.visit.update({ where: { id: input.visitId }, data: { escalatedAt: new Date(), escalationNote: note } }),
  );
}

const followUpInput = z.object({
  safeArrivalConfirmed: z.boolean().optional(),
  forgottenItemsChecked: z.boolean().optional(),
  photosSent: z.boolean().optional(),
  summary: z.string().trim().min(1).max(20_000).optional(),
});

/** Departure and after (善后): safe-arrival call, forgotten items, photos sent, written summary. */
export async function recordFollowUp(deps: ServiceDeps, input: { visitId: string; expectedVersion: number } & z.input<typeof followUpInput>) {
  const data = parseInput(followUpInput, input);
  const at = (flag: boolean | undefined) => (flag === undefined ? undefined : flag ? new Date() : null);
  return changeVisit(
    deps,
    { visitId: input.visitId, expectedVersion: input.expectedVersion, action: 'follow_up', material: false, allowClosed: true, auditData: Object.keys(data) },
    () =>
      deps.db.visit.update({
        where: { id: input.visitId },
        data: {
          safeArrivalConfirmedAt: at(data.safeArrivalConfirmed),
          forgottenItemsCheckedAt: at(data.forgottenItemsChecked),
          photosSentAt: at(data.photosSent),
          summary: data.summary,
        },
      }),
  );
}

// ── settlement and versions ─────────────────────────────────────────────────────────────────────

export interface SettlementLine {
  category: string;
  planned: string;
  actual: string;
  difference: string;
}

/** Planned against actual per category, in exact decimals (cents as integers, never floats). */
export function settlement(budget: VisitPlan['budget']): { lines: SettlementLine[]; planned: string; actual: string; difference: string } {
  const cents = (v: string | null) => (v ? Math.round(Number(v) * 100) : 0);
  const money = (c: number) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
  const by = new Map<string, { planned: number; actual: number }>();
  for (const line of budget) {
    const entry = by.get(line.category) ?? { planned: 0, actual: 0 };
    entry.planned += cents(line.planned);
    entry.actual += cents(line.actual);
    by.set(line.category, entry);
  }
  const lines = [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, v]) => ({ category, planned: money(v.planned), actual: money(v.actual), difference: money(v.actual - v.planned) }));
  const planned = [...by.values()].reduce((s, v) => s + v.planned, 0);
  const actual = [...by.values()].reduce((s, v) => s + v.actual, 0);
  return { lines, planned: money(planned), actual: money(actual), difference: money(actual - planned) };
}

export async function planVersionDiff(db: Db, visitId: string, from: number, to: number) {
  const versions = await db.visitPlanVersion.findMany({ where: { visitId, number: { in: [from, to] } } });
  const a = versions.find((v) => v.number === from);
  const b = versions.find((v) => v.number === to);
  if (!a || !b) throw new VisitError('NOT_FOUND', 'No such plan version');
  return diffPlans(a.snapshot as unknown as VisitPlan, b.snapshot as unknown as VisitPlan);
}
