// Languages: every message meant for people (errors, plan issues, checklist task texts) exists in zh-Hans
// and en, in typed catalogue objects: a key missing in either language, or a message taking other
// parameters in one language than in the other, fails typecheck (and i18n.test.ts checks every
// parameter is used in both). No library: the messages are few and small, their parameters are typed
// here, and zh-Hans needs no plural rules.
//
// The language of a request (`requestLanguage`): the person's own preference (`viewer.preferredLanguage`),
// else the request's Accept-Language (q-values honoured; zh, zh-CN, zh-Hans, zh-SG → zh-Hans; en-* → en),
// else the tenant's default (`Tenant.locale`), else English. Codes never change with the language.

export const LANGUAGES = ['zh-Hans', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The catalogue language of a BCP 47 tag: zh* (but Traditional) → zh-Hans, en* → en, else null. */
export function languageOf(tag: string | null | undefined): Language | null {
  const t = tag?.trim().toLowerCase();
  if (!t) return null;
  if (t === 'zh' || t.startsWith('zh-')) return /^zh-(hant|tw|hk|mo)\b/.test(t) ? null : 'zh-Hans';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

/**
 * The best catalogue language an Accept-Language header asks for (RFC 9110: q-values, ties in order;
 * q=0 refuses), or null when it names none we have (`*` included: it leaves the choice to us).
 */
export function negotiateLanguage(header: string | null | undefined): Language | null {
  if (!header) return null;
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { language: languageOf(tag), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.language !== null && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranges[0]?.language ?? null;
}

/** What decides the language of one request (see the header). */
export interface LanguageSources {
  preferred?: string | null | undefined;
  acceptLanguage?: string | null | undefined;
  tenantDefault?: string | null | undefined;
}

export function chooseLanguage(sources: LanguageSources): Language {
  return languageOf(sources.preferred) ?? negotiateLanguage(sources.acceptLanguage) ?? languageOf(sources.tenantDefault) ?? 'en';
}

/** A message with named parameters `{name}`. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The `{name}` parameters of a template. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

/** One text per language. */
export type Texts<Key extends string> = Record<Language, Record<Key, string>>;

/** A list joined the way each language writes one. */
export function joinList(language: Language, items: string[]): string {
  return items.join(language === 'zh-Hans' ? '、' : ', ');
}

// ── errors ────────────────────────────────────────────────────────────────────────────────────────
// Codes many modules share have one text here; a module's error class (`domainError`) must give the
// texts of its other codes in both languages (typed: see ErrorMessages).

export const COMMON_ERROR_MESSAGES = {
  'zh-Hans': {
    NOT_FOUND: '未找到该记录（或它属于其他租户）。',
    CONFLICT: '记录已被他人修改：请刷新后重试。',
    NAME_TAKEN: '该名称已被使用。',
    INVALID_REFERENCE: '引用的记录不存在于本租户。',
    ILLEGAL_TRANSITION: '当前状态下不能执行此操作。',
    INVALID_TRANSITION: '当前状态下不能执行此操作。',
    RATE_LIMITED: '尝试次数过多，请稍后再试。',
    IN_USE: '该记录仍在使用中，不能删除。',
  },
  en: {
    NOT_FOUND: 'Not found (or it belongs to another tenant).',
    CONFLICT: 'The record changed meanwhile: reload it and try again.',
    NAME_TAKEN: 'This name is taken.',
    INVALID_REFERENCE: 'A referenced record does not exist in this tenant.',
    ILLEGAL_TRANSITION: 'This is not possible in the current state.',
    INVALID_TRANSITION: 'This is not possible in the current state.',
    RATE_LIMITED: 'Too many attempts: try again later.',
    IN_USE: 'The record is still in use and cannot be removed.',
  },
} as const satisfies Record<Language, Record<string, string>>;
export type CommonErrorCode = keyof (typeof COMMON_ERROR_MESSAGES)['en'];

/** The texts of a module's error codes: every code not in COMMON_ERROR_MESSAGES, in both languages (a common one may be overridden). */
export type ErrorMessages<Code extends string> = Record<Language, Record<Exclude<Code, CommonErrorCode>, string> & Partial<Record<Code, string>>>;

/** The text of an error code in a language: the module's own, else the common one. */
export function errorText(messages: Record<Language, Partial<Record<string, string>>>, language: Language, code: string): string | undefined {
  return messages[language][code] ?? (COMMON_ERROR_MESSAGES[language] as Record<string, string>)[code];
}

/** Texts of the errors every mutation or operation can meet, by code. */
export const SHARED_ERROR_MESSAGES = {
  'zh-Hans': {
    BAD_USER_INPUT: '输入有误：{fields}',
    FORBIDDEN: '无权执行此操作：缺少所需的角色或成员身份。',
    UNAUTHENTICATED: '未登录或凭证无效（已过期、已注销或已吊销）：请重新登录。',
    RATE_LIMITED: '请求过多，请稍后再试。',
    SESSION_ENDED: '此会话已结束（已注销或密码已更改）：请重新登录。',
  },
  en: {
    BAD_USER_INPUT: 'The input was refused: {fields}',
    FORBIDDEN: 'You may not do this: a role or membership is missing.',
    UNAUTHENTICATED: 'Not signed in, or the credential is invalid, expired or revoked: sign in again.',
    RATE_LIMITED: 'Too many requests: try again later.',
    SESSION_ENDED: 'This session has ended (signed out, or the password was changed): sign in again.',
  },
} as const satisfies Texts<'BAD_USER_INPUT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'SESSION_ENDED'>;

/** Field messages of a ValidationError in zh-Hans, from zod's issue codes (English stays zod's own text). */
export const FIELD_ISSUE_MESSAGES = {
  'zh-Hans': {
    invalid_type: '类型不正确',
    too_small: '太短或太小',
    too_big: '太长或太大',
    invalid_format: '格式不正确',
    invalid_value: '取值无效',
    not_multiple_of: '数值无效',
    unrecognized_keys: '含有未知的字段',
    invalid_union: '取值无效',
    invalid_key: '键无效',
    invalid_element: '元素无效',
    custom: '取值无效',
  },
  en: {
    invalid_type: 'wrong type',
    too_small: 'too short or too small',
    too_big: 'too long or too large',
    invalid_format: 'invalid format',
    invalid_value: 'invalid value',
    not_multiple_of: 'invalid number',
    unrecognized_keys: 'unknown fields',
    invalid_union: 'invalid value',
    invalid_key: 'invalid key',
    invalid_element: 'invalid element',
    custom: 'invalid value',
  },
} as const satisfies Texts<
  | 'invalid_type'
  | 'too_small'
  | 'too_big'
  | 'invalid_format'
  | 'invalid_value'
  | 'not_multiple_of'
  | 'unrecognized_keys'
  | 'invalid_union'
  | 'invalid_key'
  | 'invalid_element'
  | 'custom'
>;
