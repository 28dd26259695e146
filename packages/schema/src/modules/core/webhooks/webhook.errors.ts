import { domainError } from '../../../shared/errors.ts';

export const WEBHOOK_ERROR_CODES = ['NOT_FOUND', 'URL_NOT_ALLOWED', 'EVENT_TYPE_NOT_AVAILABLE'] as const;
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

/** A webhook change was refused: an unknown endpoint or delivery, a target the SSRF guard refuses, an event type the tenant's kind never sends. */
export class WebhookError extends domainError('WebhookError', WEBHOOK_ERROR_CODES, 'A webhook change was refused; nothing was changed.', {
  'zh-Hans': {
    URL_NOT_ALLOWED: '不允许此网址：须为 https，且不得指向内网、本机或保留地址。',
    EVENT_TYPE_NOT_AVAILABLE: '本租户类型不会发送此类事件。',
  },
  en: {
    URL_NOT_ALLOWED: 'This URL is not allowed: it must be https and must not reach a private, loopback or reserved address.',
    EVENT_TYPE_NOT_AVAILABLE: "This tenant's kind never sends that event type.",
  },
}) {
  constructor(
    code: WebhookErrorCode,
    message: string,
    readonly path: string[] = [],
  ) {
    super(code, message);
  }
}
