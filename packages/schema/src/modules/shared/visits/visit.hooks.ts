// What other modules do when a visit changes, without the visits module knowing them: a module
// registers hooks (tasks: due times follow the plan; assessments: a completed visit gets its review).
// Hooks run inside the change's transaction, with its deps: a hook that fails fails the change, and
// everything it wrote is rolled back with it.
import type { Db } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { loadPlan } from './visit.plan-loader.ts';
import type { VisitPlan } from './visit.plan.ts';

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

export async function visitCompleted(deps: ServiceDeps, visitId: string): Promise<void> {
  for (const hooks of [...registered]) await hooks.onVisitCompleted?.(deps, visitId);
}
