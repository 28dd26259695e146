import { domainError } from '../../shared/errors.ts';

export const HOTEL_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND'] as const;
export const HotelError = domainError('HotelError', HOTEL_ERROR_CODES, 'A hotel-area change was refused.', { 'zh-Hans': {}, en: {} });
export type HotelError = InstanceType<typeof HotelError>;
