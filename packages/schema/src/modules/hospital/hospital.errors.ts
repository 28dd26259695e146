import { DomainError } from '../../shared/errors.ts';

export const HOSPITAL_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND', 'INVALID_REFERENCE'] as const;
export class HospitalError extends DomainError<(typeof HOSPITAL_ERROR_CODES)[number]> {
  override name = 'HospitalError';
}
