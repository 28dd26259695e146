import { DomainError } from '../../shared/errors.ts';

export const HOTEL_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND'] as const;
export class HotelError extends DomainError<(typeof HOTEL_ERROR_CODES)[number]> {
  override name = 'HotelError';
}
