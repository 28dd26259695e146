import { domainError } from '../../shared/errors.ts';

export const GREEN_CHANNEL_ERROR_CODES = ['NOT_FOUND', 'INVALID_TRANSITION', 'CONFLICT'] as const;
export const GreenChannelError = domainError('GreenChannelError', GREEN_CHANNEL_ERROR_CODES, 'A green-channel (绿色通道) change was refused.', {
  'zh-Hans': {},
  en: {},
});
export type GreenChannelError = InstanceType<typeof GreenChannelError>;
