import { DomainError, domainError } from '../../../shared/errors.ts';

export const VISIT_ERROR_CODES = [
  'NOT_FOUND',
  /** `expectedVersion` is not the visit's current version: someone changed it meanwhile. */
  'CONFLICT',
  'ILLEGAL_TRANSITION',
  /** Completed, archived and cancelled visits no longer change. */
  'VISIT_CLOSED',
  'PLAN_HAS_BLOCKERS',
  'NOT_PENDING_APPROVAL',
  /** The tenant requires a separate approver (Tenant.requireSeparateApprover): who submitted the plan version may not approve it. */
  'FOUR_EYES_REQUIRED',
  'INVALID_REFERENCE',
  'DUPLICATE',
  'FOLLOW_UP_INCOMPLETE',
  /** No longer returned: a reused idempotency key is an IdempotencyError, as in every module (the value stays for old clients). */
  'IDEMPOTENCY_KEY_REUSED',
] as const;
export type VisitErrorCode = (typeof VISIT_ERROR_CODES)[number];

export const VisitError = domainError('VisitError', VISIT_ERROR_CODES, 'A change to a visit was refused; nothing was changed.');
export type VisitError = InstanceType<typeof VisitError>;
