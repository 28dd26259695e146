import { DomainError } from '../../../shared/errors.ts';

export const TENANCY_ERROR_CODES = ['SLUG_TAKEN', 'NAME_TAKEN', 'NOT_FOUND', 'IN_USE', 'INVALID_REFERENCE'] as const;
export type TenancyErrorCode = (typeof TENANCY_ERROR_CODES)[number];
export class TenancyError extends DomainError<TenancyErrorCode> {
  override name = 'TenancyError';
}
