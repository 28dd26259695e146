import { DomainError, domainError } from '../../shared/errors.ts';

export const GOVERNMENT_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND', 'IN_USE'] as const;
export const GovernmentError = domainError('GovernmentError', GOVERNMENT_ERROR_CODES, 'A rank-ladder change was refused.');
export type GovernmentError = InstanceType<typeof GovernmentError>;
