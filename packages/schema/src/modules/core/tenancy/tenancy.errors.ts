import { domainError } from '../../../shared/errors.ts';

export const TENANCY_ERROR_CODES = ['SLUG_TAKEN', 'NAME_TAKEN', 'NOT_FOUND', 'IN_USE', 'INVALID_REFERENCE'] as const;
export type TenancyErrorCode = (typeof TENANCY_ERROR_CODES)[number];
export const TenancyError = domainError('TenancyError', TENANCY_ERROR_CODES, 'A tenant or department change was refused.', {
  'zh-Hans': { SLUG_TAKEN: '该标识已被使用。' },
  en: { SLUG_TAKEN: 'This slug is taken.' },
});
export type TenancyError = InstanceType<typeof TenancyError>;
