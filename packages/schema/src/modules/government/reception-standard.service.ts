// Reception standards (接待标准): a tenant's table of standards by the principal guest's rank (lodging class, meal
// allowance per head and meal, vehicle class, the rank of the greeting leader, a gift limit per head); one standard
// per visit, proposed from its principal guest's rank and overridable with a reason; plan issues when the plan's
// budget exceeds it (exact: money in integer cents).
import { z } from 'zod';
import type { Db } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { AccessDenied, hasRole } from '../../shared/access.ts';
import { isUniqueViolation, parseInput } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { type ModulePlanIssue, registerVisitHooks } from '../shared/visits/visit.hooks.ts';
import { PROTOCOL_ISSUE_TEXTS } from './protocol.messages.ts';
import type { PlanExtensionRecord, VisitPlan } from '../shared/visits/visit.plan.ts';
import { createTask } from '../shared/tasks/task.service.ts';
import { changeVisit } from '../shared/visits/visit.service.ts';
import { ProtocolError } from './government.errors.ts';

export const VEHICLE_CLASSES = ['SEDAN', 'SUV', 'MINIBUS', 'COACH'] as const;
const money = z
  .string()
  .trim()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'an amount with at most two decimals');

export function requireRole(deps: ServiceDeps, role: 'TENANT_ADMIN' | 'COORDINATOR' | 'VIEWER') {
  if (!hasRole(deps.access, role)) throw new AccessDenied('FORBIDDEN', `Needs the ${role} role`);
}

const standardInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    minRankLevel: z.number().int().min(1).max(100),
    maxRankLevel: z.number().int().min(1).max(100),
    lodgingClass: z.string().trim().min(1).max(100),
    mealAllowancePerHead: money,
    vehicleClass: z.enum(VEHICLE_CLASSES),
    greetingLeaderLevel: z.number().int().min(1).max(100).nullish(),
    giftLimitPerHead: money.nullish(),
    reportUp: z.boolean().nullish(),
  })
  .refine((s) => s.maxRankLevel >= s.minRankLevel, { path: ['maxRankLevel'], message: 'must not be above minRankLevel (1 is the highest rank)' });

export async function defineReceptionStandard(deps: ServiceDeps, input: z.input<typeof standardInput>) {
  requireRole(deps, 'TENANT_ADMIN');
  const data = parseInput(standardInput, input);
  const standard = await deps.db.receptionStandard
    .create({
      data: {
        tenantId: deps.access.tenantId!,
        ...data,
        greetingLeaderLevel: data.greetingLeaderLevel ?? null,
        giftLimitPerHead: data.giftLimitPerHead ?? null,
        reportUp: data.reportUp ?? false,
      },
    })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new ProtocolError('NAME_TAKEN', `A standard named "${data.name}" exists`);
      throw error;
    });
  await recordAudit(deps, { action: 'reception_standard.defined', targetType: 'ReceptionStandard', targetId: standard.id, data });
  return standard;
}

/** The principal guest (主宾): the lowest principal order, else the highest rank. */
export function principalGuest<G extends { principalOrder: number | null; rankLevel: number | null; id: string }>(guests: readonly G[]): G | null {
  const key = (g: G) => [g.principalOrder ?? Number.MAX_SAFE_INTEGER, g.rankLevel ?? Number.MAX_SAFE_INTEGER] as const;
  return [...guests].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1] || (a.id < b.id ? -1 : 1))[0] ?? null;
}

/** The standard covering a rank level: the narrowest range that holds it, then the highest. */
export async function standardForRank(db: Db, rankLevel: number) {
  const found = await db.receptionStandard.findMany({ where: { minRankLevel: { lte: rankLevel }, maxRankLevel: { gte: rankLevel } } });
  return found.sort((a, b) => a.maxRankLevel - a.minRankLevel - (b.maxRankLevel - b.minRankLevel) || a.minRankLevel - b.minRankLevel)[0] ?? null;
}

const visitStandardInput = z.object({
  visitId: z.string(),
  expectedVersion: z.number().int(),
  standardId: z.string().nullish(),
  lodgingClass: z.string().trim().min(1).max(100).nullish(),
  mealAllowancePerHead: money.nullish(),
  vehicleClass: z.enum(VEHICLE_CLASSES).nullish(),
  greetingLeaderLevel: z.number().int().min(1).max(100).nullish(),
  giftLimitPerHead: money.nullish(),
  overrideReason: z.string().trim().max(1000).nullish(),
});

/**
 * Sets the visit's standard: the one named, or the one the principal guest's rank proposes; figures given beside it
 * override the standard's and need the reason. A material change: after approval, it re-opens approval.
 */
export async function setVisitReceptionStandard(deps: ServiceDeps, input: z.input<typeof visitStandardInput>) {
  requireRole(deps, 'COORDINATOR');
  const data = parseInput(visitStandardInput, input);
  let standard = data.standardId ? await deps.db.receptionStandard.findUnique({ where: { id: data.standardId } }) : null;
  if (data.standardId && !standard) throw new ProtocolError('NOT_FOUND', 'No such reception standard');
  if (!standard) {
    const guests = await deps.db.visitGuest.findMany({ where: { visitId: data.visitId }, select: { id: true, principalOrder: true, rankLevel: true } });
    const principal = principalGuest(guests);
    if (!principal || principal.rankLevel === null)
      throw new ProtocolError('NO_STANDARD_FOR_RANK', 'The visit has no principal guest with a rank to propose a standard from');
    standard = await standardForRank(deps.db, principal.rankLevel);
    if (!standard) throw new ProtocolError('NO_STANDARD_FOR_RANK', `No reception standard covers rank level ${principal.rankLevel}`);
  }
  const figures = {
    lodgingClass: data.lodgingClass ?? standard.lodgingClass,
    mealAllowancePerHead: data.mealAllowancePerHead ?? standard.mealAllowancePerHead.toFixed(2),
    vehicleClass: data.vehicleClass ?? standard.vehicleClass,
    greetingLeaderLevel: data.greetingLeaderLevel === undefined ? standard.greetingLeaderLevel : data.greetingLeaderLevel,
    giftLimitPerHead: data.giftLimitPerHead === undefined ? (standard.giftLimitPerHead?.toFixed(2) ?? null) : data.giftLimitPerHead,
  };
  const overridden =
    figures.lodgingClass !== standard.lodgingClass ||
    cents(figures.mealAllowancePerHead) !== cents(standard.mealAllowancePerHead.toFixed(2)) ||
    figures.vehicleClass !== standard.vehicleClass ||
    figures.greetingLeaderLevel !== standard.greetingLeaderLevel ||
    (figures.giftLimitPerHead === null ? null : cents(figures.giftLimitPerHead)) !==
      (standard.giftLimitPerHead === null ? null : cents(standard.giftLimitPerHead.toFixed(2)));
  if (overridden && !data.overrideReason) throw new ProtocolError('OVERRIDE_NEEDS_REASON', 'Figures that differ from the standard need a reason');
  const row = { standardId: standard.id, ...figures, overrideReason: overridden ? data.overrideReason! : null, setById: deps.access.userId, setAt: new Date() };
  return changeVisit(
    deps,
    {
      visitId: data.visitId,
      expectedVersion: data.expectedVersion,
      action: 'reception_standard_set',
      material: true,
      auditData: { ...row, setAt: row.setAt.toISOString() },
    },
    async () => {
      const saved = await deps.db.visitReceptionStandard.upsert({
        where: { tenantId_visitId: { tenantId: deps.access.tenantId!, visitId: data.visitId } },
        create: { tenantId: deps.access.tenantId!, visitId: data.visitId, ...row },
        update: row,
      });
      if (standard.reportUp) await requireReportUp(deps, data.visitId, standard.name);
      return saved;
    },
  );
}

export const REPORT_UP_TASK = '向市领导汇报';

/**
 * The escalation rule (向市领导汇报): the visit includes an important leader (until the report is recorded with
 * recordVisitEscalation, the plan has the BLOCKER IMPORTANT_LEADER_NOT_ESCALATED), and the coordinators get a task.
 */
async function requireReportUp(deps: ServiceDeps, visitId: string, standardName: string) {
  const visit = await deps.db.visit.update({ where: { id: visitId }, data: { includesImportantLeader: true }, select: { escalatedAt: true } });
  if (visit.escalatedAt) return;
  const title = `${REPORT_UP_TASK}（${standardName}）`;
  if (await deps.db.task.findFirst({ where: { visitId, title } })) return;
  await createTask(deps, {
    visitId,
    phase: 'PREPARATION',
    title,
    description: '来访中有重要领导：及时向市领导汇报，并记录汇报情况（recordVisitEscalation）。',
    assigneeRole: 'COORDINATOR',
  });
}

/** An amount with at most two decimals, in integer cents (exact). */
export function cents(amount: string | { toFixed(n: number): string }): number {
  const text = typeof amount === 'string' ? amount : amount.toFixed(2);
  const [whole = '0', frac = ''] = text.replace(/^-/, '').split('.');
  const value = Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
  return text.startsWith('-') ? -value : value;
}
export const formatCents = (c: number) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

export const STANDARD_ISSUE_CODES = [
  'NO_RECEPTION_STANDARD',
  'MEALS_OVER_STANDARD',
  'GIFTS_OVER_STANDARD',
  'LODGING_NOT_STANDARD',
  'VEHICLE_NOT_STANDARD',
  'GREETER_BELOW_STANDARD',
] as const;

export interface StandardFigures {
  lodgingClass: string;
  mealAllowancePerHead: string;
  vehicleClass: string;
  giftLimitPerHead: string | null;
  /** Rank level of the leader who greets (迎接): 1 is the highest; null, no rule. */
  greetingLeaderLevel?: number | null;
}

/**
 * The plan against its standard, pure: meal budget per head and meal, gift value per guest, rooms of another class,
 * vehicles of another class. `hasTable`: the tenant has a table of standards (then every visit should have one).
 */
export function standardIssues(plan: VisitPlan, standard: StandardFigures | null, hasTable: boolean): ModulePlanIssue[] {
  if (!standard) {
    return hasTable && plan.guests.length > 0
      ? [
          {
            code: 'NO_RECEPTION_STANDARD',
            severity: 'WARNING',
            message: 'Set the reception standard (接待标准) from the principal guest’s rank',
            recordIds: [plan.id],
            params: {},
          },
        ]
      : [];
  }
  const issues: ModulePlanIssue[] = [];
  const heads = plan.guests.length;
  const meals = plan.meals.length;
  const mealLines = plan.budget.filter((b) => b.category === 'MEALS');
  const mealCents = mealLines.reduce((s, b) => s + cents(b.planned), 0);
  const allowance = cents(standard.mealAllowancePerHead);
  if (heads > 0 && meals > 0 && mealCents > allowance * heads * meals) {
    issues.push({
      code: 'MEALS_OVER_STANDARD',
      severity: 'BLOCKER',
      message: `The meal budget (${formatCents(mealCents)}) is over the standard: ${formatCents(allowance)} per head and meal × ${heads} guest(s) × ${meals} meal(s) = ${formatCents(allowance * heads * meals)}`,
      recordIds: mealLines.map((b) => b.id),
      params: {
        budget: formatCents(mealCents),
        allowance: formatCents(allowance),
        guests: heads,
        meals,
        limit: formatCents(allowance * heads * meals),
      },
    });
  }
  if (standard.giftLimitPerHead !== null && heads > 0) {
    const limit = cents(standard.giftLimitPerHead);
    const perGuest = new Map<string, number>();
    for (const gift of plan.gifts) for (const g of gift.recipientGuestIds) perGuest.set(g, (perGuest.get(g) ?? 0) + (gift.value ? cents(gift.value) : 0));
    const over = [...perGuest.entries()].filter(([, v]) => v > limit).map(([g]) => g);
    if (over.length > 0) {
      issues.push({
        code: 'GIFTS_OVER_STANDARD',
        severity: 'BLOCKER',
        message: `${over.length} guest(s) receive gifts worth more than the standard’s ${formatCents(limit)} per head`,
        recordIds: over.sort(),
        params: { guests: over.map((id) => plan.guests.find((g) => g.id === id)?.name ?? id), limit: formatCents(limit) },
      });
    }
  }
  const rooms = plan.lodgings.flatMap((l) => l.rooms).filter((r) => r.roomType !== null && r.roomType !== standard.lodgingClass);
  if (rooms.length > 0) {
    issues.push({
      code: 'LODGING_NOT_STANDARD',
      severity: 'WARNING',
      message: `${rooms.length} room(s) are not of the standard’s class (${standard.lodgingClass})`,
      recordIds: rooms.map((r) => r.id).sort(),
      params: { rooms: [...rooms].sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => r.number), lodgingClass: standard.lodgingClass },
    });
  }
  issues.push(...greeterIssues(plan, standard.greetingLeaderLevel ?? null));
  const vehicles = plan.vehicles.filter((v) => v.kind !== standard.vehicleClass && v.kind !== 'MINIBUS' && v.kind !== 'COACH');
  if (vehicles.length > 0) {
    issues.push({
      code: 'VEHICLE_NOT_STANDARD',
      severity: 'WARNING',
      message: `${vehicles.length} car(s) are not of the standard’s class (${standard.vehicleClass})`,
      recordIds: vehicles.map((v) => v.id).sort(),
      params: { vehicles: [...vehicles].sort((a, b) => (a.id < b.id ? -1 : 1)).map((v) => v.plate ?? v.kind), vehicleClass: standard.vehicleClass },
    });
  }
  return issues;
}

/** The visit's standard as a section of the plan its versions freeze (a change after approval shows in planDiff). */
export async function standardSection(db: Db, visitId: string): Promise<PlanExtensionRecord[]> {
  const row = await db.visitReceptionStandard.findFirst({ where: { visitId }, include: { standard: { select: { name: true } } } });
  if (!row) return [];
  return [
    {
      id: row.visitId,
      label: `接待标准 ${row.standard?.name ?? ''}`.trim(),
      node: { type: 'Visit', id: row.visitId },
      fields: {
        standardId: row.standardId,
        standardName: row.standard?.name ?? null,
        lodgingClass: row.lodgingClass,
        mealAllowancePerHead: row.mealAllowancePerHead.toFixed(2),
        vehicleClass: row.vehicleClass,
        greetingLeaderLevel: row.greetingLeaderLevel,
        giftLimitPerHead: row.giftLimitPerHead?.toFixed(2) ?? null,
        overrideReason: row.overrideReason,
      },
    },
  ];
}

/**
 * The greeting leader's rank (接待标准: which leader greets): whoever greets — the greeters, else the host leaders
 * (one per visiting unit when several units visit) — ranks at least as high as the standard says, or a polite
 * explanation is recorded on the host (the same 礼貌解释 that clears HOST_RANK_BELOW_GUEST). A BLOCKER until then.
 * Unknown ranks are not judged here (HOST_RANK_UNKNOWN says so).
 */
export function greeterIssues(plan: VisitPlan, greetingLeaderLevel: number | null): ModulePlanIssue[] {
  if (greetingLeaderLevel === null) return [];
  const greeters = plan.hosts.filter((h) => h.role === 'GREETER');
  const greeting = greeters.length > 0 ? greeters : plan.hosts.filter((h) => h.role === 'HOST_LEADER');
  return greeting
    .filter((h) => h.rankLevel !== null && h.rankLevel > greetingLeaderLevel && !h.rankExplanation?.trim())
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((h) => ({
      code: 'GREETER_BELOW_STANDARD',
      severity: 'BLOCKER' as const,
      message:
        `${h.displayName} (rank level ${h.rankLevel}) greets${h.unit?.trim() ? ` the unit "${h.unit.trim()}"` : ''} but the reception standard asks for ` +
        `rank level ${greetingLeaderLevel} or higher: choose a greeter of that rank or record a polite explanation (礼貌解释).`,
      recordIds: [h.id],
      params: { host: h.displayName, level: h.rankLevel!, required: greetingLeaderLevel },
    }));
}

registerVisitHooks({
  async planExtensions(db, visitId) {
    return { receptionStandard: await standardSection(db, visitId) };
  },
  planIssueCodes: STANDARD_ISSUE_CODES,
  planIssueTexts: PROTOCOL_ISSUE_TEXTS,
  async planIssues(db, visitId, plan) {
    const row = await db.visitReceptionStandard.findFirst({ where: { visitId } });
    const hasTable = row !== null || (await db.receptionStandard.count()) > 0;
    if (!hasTable) return [];
    return standardIssues(
      plan,
      row && {
        lodgingClass: row.lodgingClass,
        mealAllowancePerHead: row.mealAllowancePerHead.toFixed(2),
        vehicleClass: row.vehicleClass,
        giftLimitPerHead: row.giftLimitPerHead?.toFixed(2) ?? null,
        greetingLeaderLevel: row.greetingLeaderLevel,
      },
      hasTable,
    );
  },
});
