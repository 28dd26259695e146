import { DomainError } from '../../shared/errors.ts';

export const GOVERNMENT_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND', 'IN_USE'] as const;
export class GovernmentError extends DomainError<(typeof GOVERNMENT_ERROR_CODES)[number]> {
  override name = 'GovernmentError';
}
