// The visit's lifecycle: requested → planning → pending approval (报请领导批准) → approved → in progress
// → completed → archived (资料归档), or cancelled. Approval moves go through submit/decide only.
import type { VisitStatus } from './visit.plan.ts';

/** Moves `changeVisitStatus` may make; submitting and deciding have their own mutations. */
export const TRANSITIONS: Readonly<Record<VisitStatus, readonly VisitStatus[]>> = {
  REQUESTED: ['PLANNING', 'CANCELLED'],
  PLANNING: ['CANCELLED'],
  PENDING_APPROVAL: ['PLANNING', 'CANCELLED'],
  APPROVED: ['IN_PROGRESS', 'PLANNING', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED'],
  COMPLETED: ['ARCHIVED'],
  ARCHIVED: [],
  CANCELLED: [],
};

/** Statuses in which the plan no longer changes. */
export const CLOSED: readonly VisitStatus[] = ['COMPLETED', 'ARCHIVED', 'CANCELLED'];

export function canMove(from: VisitStatus, to: VisitStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
