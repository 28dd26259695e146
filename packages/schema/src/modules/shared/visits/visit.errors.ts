import { domainError } from '../../../shared/errors.ts';

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

export const VisitError = domainError('VisitError', VISIT_ERROR_CODES, 'A change to a visit was refused; nothing was changed.', {
  'zh-Hans': {
    VISIT_CLOSED: '已完成、已归档或已取消的接待不能再修改。',
    PLAN_HAS_BLOCKERS: '接待方案仍有必须解决的问题，不能提交审批。',
    NOT_PENDING_APPROVAL: '该接待不在待审批状态。',
    FOUR_EYES_REQUIRED: '提交审批的人不能审批同一版本方案，请由另一位审批人审批。',
    DUPLICATE: '该记录已存在。',
    FOLLOW_UP_INCOMPLETE: '归档前需完成接待后续工作（平安抵达电话、遗留物品、照片、总结）。',
    IDEMPOTENCY_KEY_REUSED: '该幂等键已用于其他请求。',
  },
  en: {
    VISIT_CLOSED: 'Completed, archived and cancelled visits no longer change.',
    PLAN_HAS_BLOCKERS: 'The plan has blockers: it cannot be submitted for approval.',
    NOT_PENDING_APPROVAL: 'The visit is not pending approval.',
    FOUR_EYES_REQUIRED: 'Who submitted this plan version may not approve it: another approver must.',
    DUPLICATE: 'This exists already.',
    FOLLOW_UP_INCOMPLETE: 'Archiving needs the follow-up (safe-arrival call, forgotten items, photos, summary).',
    IDEMPOTENCY_KEY_REUSED: 'This idempotency key was used for another request.',
  },
});
export type VisitError = InstanceType<typeof VisitError>;
