// The hosted pages' HTML: one small layout (mobile-first, no script, no external resource), escaping,
// the page texts in zh-Hans and en, and the security headers every page is sent with.
import type { ServerResponse } from 'node:http';

export type PageLanguage = 'zh-Hans' | 'en';

/** The page language of a survey or tenant language tag: Chinese unless it is English. */
export function pageLanguage(tag: string | null | undefined): PageLanguage {
  return tag?.toLowerCase().startsWith('en') ? 'en' : 'zh-Hans';
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Tagged template whose interpolations are escaped unless they are `raw(...)` (already HTML). */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((value, i) => {
    const part = Array.isArray(value) ? value.map((v) => (v instanceof Raw ? v.html : esc(v))).join('') : value instanceof Raw ? value.html : esc(value);
    out += part + strings[i + 1]!;
  });
  return new Raw(out);
}

// Readable at arm's length on a phone: system fonts, 17px, high contrast (text #1a1a1a on #fff is 17:1,
// the accent #0b5cad on white 6.6:1, the error #b00020 7.1:1), large touch targets, visible focus.
const STYLE = `
*{box-sizing:border-box}body{margin:0;font:17px/1.55 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}
h1{font-size:1.4rem;line-height:1.3;margin:.5rem 0 1rem}.org{color:#4a4a4a;margin:0;font-size:.95rem}
fieldset,.q{border:0;border-top:1px solid #d8dbe0;margin:0;padding:1rem 0}legend,.q>label{font-weight:600;padding:0;margin-bottom:.5rem;display:block}
.req{color:#b00020;font-weight:400;font-size:.9rem}.hint{color:#4a4a4a;font-size:.9rem;margin:.25rem 0}
.choice{display:flex;align-items:center;gap:.6rem;min-height:2.75rem;padding:.25rem .5rem;border-radius:.4rem}
.choice:hover{background:#eef3fa}input[type=radio],input[type=checkbox]{width:1.4rem;height:1.4rem;accent-color:#0b5cad;margin:0}
.scale{display:flex;flex-wrap:wrap;gap:.4rem}.scale label{display:flex;flex-direction:column;align-items:center;min-width:2.75rem;padding:.3rem;border:1px solid #b9bec7;border-radius:.4rem}
textarea{width:100%;min-height:7rem;font:inherit;padding:.6rem;border:1px solid #6b7280;border-radius:.4rem}
.field{width:100%;font:inherit;padding:.6rem;border:1px solid #6b7280;border-radius:.4rem}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.invalid{background:#fff5f6;border-left:4px solid #b00020;padding-left:.75rem}.err{color:#b00020;font-weight:600;margin:.25rem 0 .5rem}
.summary{border:2px solid #b00020;border-radius:.4rem;padding:.75rem 1rem;margin-bottom:1rem}.summary h2{font-size:1.05rem;margin:0 0 .5rem;color:#b00020}
.summary a{color:#b00020}button{font:inherit;font-weight:600;width:100%;min-height:3rem;margin:1.25rem 0;border:0;border-radius:.5rem;background:#0b5cad;color:#fff}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}.done{font-size:1.1rem}
`;

export function page(language: PageLanguage, title: string, body: Raw): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${STYLE.replace(/\n/g, '')}</style></head><body><main>${body.html}</main></body></html>`;
}

/**
 * Sends a page. No script runs on it and nothing outside the gateway is loaded (CSP); the link's token
 * is in the URL, so no Referer leaves the page and nothing is cached.
 */
export function sendPage(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** The texts of the pages, per language (tests check that both have every key). */
export const TEXTS = {
  'zh-Hans': {
    required: '（必答）',
    optional: '（选答）',
    submit: '提交',
    complaint: '我希望将此反馈作为投诉处理，并得到答复',
    checkAnswers: '请检查以下问题后再提交',
    thanksTitle: '感谢您的反馈',
    thanks: '您的回答已提交。感谢您抽出时间，我们会认真研究您的意见。',
    unavailableTitle: '链接无法使用',
    unavailable: '此链接已使用、已过期或不存在。如需帮助，请联系邀请您的单位。',
    busyTitle: '请稍后再试',
    busy: '提交过于频繁，请稍后再试。',
    errorTitle: '出错了',
    error: '服务暂时出现问题，请稍后再试。',
    npsLow: '完全不可能',
    npsHigh: '非常可能',
    chooseAny: '可多选',
    issue: {
      REQUIRED: '此题为必答题。',
      OUT_OF_RANGE: '请选择量表中的一个分值。',
      TOO_LONG: '回答过长，请精简后再提交。',
      TOO_MANY_OPTIONS: '此题只能选择一项。',
      UNKNOWN_OPTION: '请从给出的选项中选择。',
      WRONG_KIND: '此题的回答方式不正确。',
      DUPLICATE_ANSWER: '此题的回答重复了。',
      UNKNOWN_QUESTION: '问卷中没有此题。',
    },
  },
  en: {
    required: '(required)',
    optional: '(optional)',
    submit: 'Submit',
    complaint: 'I want this treated as a complaint and answered',
    checkAnswers: 'Please check these answers before you submit',
    thanksTitle: 'Thank you for your feedback',
    thanks: 'Your answers have been submitted. Thank you for your time; we will look into what you told us.',
    unavailableTitle: 'This link cannot be used',
    unavailable: 'This link has been used, has expired or does not exist. For help, contact the organization that invited you.',
    busyTitle: 'Please try again later',
    busy: 'Too many attempts. Please try again in a little while.',
    errorTitle: 'Something went wrong',
    error: 'The service has a problem right now. Please try again later.',
    npsLow: 'Not at all likely',
    npsHigh: 'Extremely likely',
    chooseAny: 'Choose any that apply',
    issue: {
      REQUIRED: 'This question needs an answer.',
      OUT_OF_RANGE: 'Choose one of the values of the scale.',
      TOO_LONG: 'This answer is too long; please shorten it.',
      TOO_MANY_OPTIONS: 'Choose only one option.',
      UNKNOWN_OPTION: 'Choose one of the options given.',
      WRONG_KIND: 'This answer does not fit the question.',
      DUPLICATE_ANSWER: 'This question was answered twice.',
      UNKNOWN_QUESTION: 'The survey has no such question.',
    },
  },
} as const satisfies Record<PageLanguage, unknown>;

export type PageTexts = (typeof TEXTS)[PageLanguage];

/** One polite page for every kind of failure the respondent cannot fix. */
export function messagePage(language: PageLanguage, kind: 'unavailable' | 'busy' | 'error'): string {
  const t = TEXTS[language];
  const title = t[`${kind}Title`];
  return page(language, title, html`<h1>${title}</h1><p>${t[kind]}</p>`);
}

/** The same page and status whether a link was used, expired or never existed. Returns true (handled). */
export function sendUnavailable(res: ServerResponse, language: PageLanguage): true {
  sendPage(res, 404, messagePage(language, 'unavailable'));
  return true;
}

/** Over a rate limit: the polite "try later" page with Retry-After. Returns true (handled). */
export function sendBusy(res: ServerResponse, language: PageLanguage): true {
  sendPage(res, 429, messagePage(language, 'busy'), { 'retry-after': '60' });
  return true;
}
