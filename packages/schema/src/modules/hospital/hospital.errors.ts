import { domainError } from '../../shared/errors.ts';

export const HOSPITAL_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND', 'INVALID_REFERENCE'] as const;
export const HospitalError = domainError('HospitalError', HOSPITAL_ERROR_CODES, 'A service-point change was refused.', { 'zh-Hans': {}, en: {} });
export type HospitalError = InstanceType<typeof HospitalError>;
