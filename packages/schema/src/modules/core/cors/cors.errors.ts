import { domainError } from '../../../shared/errors.ts';

export const CORS_ERROR_CODES = ['ORIGIN_TAKEN', 'LIMIT_REACHED', 'NOT_FOUND'] as const;
export type CorsErrorCode = (typeof CORS_ERROR_CODES)[number];
export const CorsError = domainError('CorsError', CORS_ERROR_CODES, "A change of the tenant's partner origins (CORS) was refused.", {
  'zh-Hans': { ORIGIN_TAKEN: '此来源已在列表中。', LIMIT_REACHED: '合作方来源已达上限（50 个）。' },
  en: { ORIGIN_TAKEN: 'This origin is on the list already.', LIMIT_REACHED: 'The list of partner origins is full (50).' },
});
export type CorsError = InstanceType<typeof CorsError>;
