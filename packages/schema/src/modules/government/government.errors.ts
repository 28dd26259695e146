import { domainError } from '../../shared/errors.ts';

export const GOVERNMENT_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND', 'IN_USE'] as const;
export const GovernmentError = domainError('GovernmentError', GOVERNMENT_ERROR_CODES, 'A rank-ladder change was refused.', { 'zh-Hans': {}, en: {} });
export type GovernmentError = InstanceType<typeof GovernmentError>;

export const PROTOCOL_ERROR_CODES = [
  'NOT_FOUND',
  'NAME_TAKEN',
  /** No standard of the tenant's table covers the principal guest's rank (or the visit has no ranked principal guest). */
  'NO_STANDARD_FOR_RANK',
  /** Figures that differ from the standard need the reason. */
  'OVERRIDE_NEEDS_REASON',
  'NO_SEATING_PLAN',
  'NO_SUCH_SEAT',
  'INVALID_TABLES',
] as const;
export const ProtocolError = domainError(
  'ProtocolError',
  PROTOCOL_ERROR_CODES,
  'A protocol change (reception standard, seating) was refused; nothing changed.',
  {
    'zh-Hans': {
      NO_STANDARD_FOR_RANK: '接待标准中没有适用于主宾级别的标准。',
      OVERRIDE_NEEDS_REASON: '与标准不同的数值需要说明原因。',
      NO_SEATING_PLAN: '还没有座次安排。',
      NO_SUCH_SEAT: '没有这个座位。',
      INVALID_TABLES: '桌位设置无效。',
    },
    en: {
      NO_STANDARD_FOR_RANK: "No reception standard covers the principal guest's rank.",
      OVERRIDE_NEEDS_REASON: 'Figures that differ from the standard need a reason.',
      NO_SEATING_PLAN: 'There is no seating plan yet.',
      NO_SUCH_SEAT: 'There is no such seat.',
      INVALID_TABLES: 'The tables are not valid.',
    },
  },
);
export type ProtocolError = InstanceType<typeof ProtocolError>;
