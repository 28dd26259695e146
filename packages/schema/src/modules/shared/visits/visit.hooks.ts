// What other modules do when a visit changes, without the visits module knowing them: a module
// registers hooks (tasks: due times follow the plan; assessments: a completed visit gets its review).
// Hooks run inside the change's transaction, with its deps: a hook that fails fails the change, and
// everything it wrote is rolled back with it.
import type { Db } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { loadPlan } from './visit.plan-loader.ts';
import type { PlanExtensionRecord, VisitPlan } from './visit.plan.ts';
import type { PlanIssueSeverity } from './visit.checks.ts';
import type { Language } from '../../../shared/i18n.ts';

/** A plan issue's parameters, filling the `{name}` placeholders of its code's text (lists joined per language). */
export type PlanIssueParams = Record<string, string | number | string[]>;

/** An issue a module finds in the plan with its own data (a kind's protocol, standards …). */
export interface ModulePlanIssue {
  code: string;
  severity: PlanIssueSeverity;
  message: string;
  /** Ids of the records concerned: the plan's own, or the visit's. */
  recordIds: string[];
  /** What the code's zh-Hans text names (see `planIssueTexts`). */
  params?: PlanIssueParams;
}

/** The plan as it is after the change: loaded on the first call, at most once per change, shared by every reader. */
export type PlanOnce = () => Promise<VisitPlan>;

export function planOnce(db: Db, visitId: string): PlanOnce {
  let loaded: Promise<VisitPlan> | null = null;
  return () => (loaded ??= loadPlan(db, visitId));
}

export interface VisitHooks {
  /**
   * The plan's dates, travel, meals or itinerary may have moved. `plan` gives the plan as it is now;
   * it is loaded once for the change (and not at all when no one asks for it).
   */
  onPlanChanged?(deps: ServiceDeps, visitId: string, plan: PlanOnce): Promise<unknown>;
  /** The visit was just completed. */
  onVisitCompleted?(deps: ServiceDeps, visitId: string): Promise<unknown>;
  /**
   * Any change of the visit went through (material or not: a contact, a room's inspection …), after it
   * was written; e.g. a hotel's readiness gate re-judges the visit's plan issues.
   */
  onVisitChanged?(deps: ServiceDeps, visitId: string): Promise<unknown>;
  /** The codes `planIssues` reports: each becomes a value of the PlanIssueCode enum (register before the schema is built). */
  planIssueCodes?: readonly string[];
  /**
   * The texts of those codes in both languages, with `{name}` placeholders filled from each issue's `params`
   * (as modules/shared/visits/visit.messages.ts does for the plan's own checks): zh-Hans readers read them, English
   * readers the issue's own sentence. Type them with `satisfies Texts<Code>` so that a missing code fails typecheck.
   */
  planIssueTexts?: Record<Language, Readonly<Record<string, string>>>;
  /**
   * Issues the module finds with its own data, shown with the visit's plan issues; a BLOCKER keeps the plan
   * from being submitted or approved like any other.
   */
  planIssues?(db: Db, visitId: string, plan: VisitPlan): Promise<ModulePlanIssue[]>;
  /**
   * Named sections the module adds to the plan a version freezes (its own data that belongs to the plan: a
   * reception standard, seating …). Each is diffed by `planDiff` like the plan's own records; a change of such
   * data must go through `changeVisit` with `material: true`, so that it re-opens an approved plan.
   * Section names are unique across modules (camelCase, like the plan's own kinds: guest, meal …).
   */
  planExtensions?(db: Db, visitId: string, plan: VisitPlan): Promise<Record<string, PlanExtensionRecord[]>>;
}

const registered: VisitHooks[] = [];

/** Registers a module's hooks; returns a function that removes them again. */
export function registerVisitHooks(hooks: VisitHooks): () => void {
  registered.push(hooks);
  return () => {
    const at = registered.indexOf(hooks);
    if (at >= 0) registered.splice(at, 1);
  };
}

export async function planChanged(deps: ServiceDeps, visitId: string, plan: PlanOnce): Promise<void> {
  for (const hooks of [...registered]) await hooks.onPlanChanged?.(deps, visitId, plan);
}

export async function visitChanged(deps: ServiceDeps, visitId: string): Promise<void> {
  for (const hooks of [...registered]) await hooks.onVisitChanged?.(deps, visitId);
}

export async function visitCompleted(deps: ServiceDeps, visitId: string): Promise<void> {
  for (const hooks of [...registered]) await hooks.onVisitCompleted?.(deps, visitId);
}

/** The text a registered module gives its plan-issue code in a language, if any. */
export function modulePlanIssueText(code: string, language: Language): string | undefined {
  for (const hooks of registered) {
    const text = hooks.planIssueTexts?.[language][code];
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Every code a registered module may report. */
export function modulePlanIssueCodes(): string[] {
  return [...new Set(registered.flatMap((hooks) => hooks.planIssueCodes ?? []))];
}

/**
 * The plan as a version freezes it: the plan with every registered module's sections (`extensions`, absent
 * when no module contributes a record; empty sections are left out). The plan given is not changed.
 */
export async function planWithExtensions(db: Db, visitId: string, plan: VisitPlan): Promise<VisitPlan> {
  const extensions: Record<string, PlanExtensionRecord[]> = {};
  const seen = new Set<string>();
  for (const hooks of [...registered]) {
    if (!hooks.planExtensions) continue;
    for (const [section, records] of Object.entries(await hooks.planExtensions(db, visitId, plan))) {
      if (seen.has(section)) throw new Error(`Two modules contribute the plan section "${section}"`);
      seen.add(section);
      if (records.length === 0) continue; // an empty section is no section: snapshots stay as they were
      extensions[section] = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
  }
  return Object.keys(extensions).length > 0 ? { ...plan, extensions } : plan;
}

/** The registered modules' issues with the plan, in the order the modules registered. */
export async function modulePlanIssues(db: Db, visitId: string, plan: VisitPlan): Promise<ModulePlanIssue[]> {
  const issues: ModulePlanIssue[] = [];
  for (const hooks of [...registered]) if (hooks.planIssues) issues.push(...(await hooks.planIssues(db, visitId, plan)));
  return issues;
}
