// The texts of the templates a new tenant starts with — checklists (接待工作清单) and assessment templates, each
// kind's and the shared ones — in zh-Hans and en. A template is stored once, in zh-Hans, the text of the source;
// what a person reads is chosen per request like every other message (shared/i18n.ts: their preference,
// Accept-Language, the tenant's default): a stored text that is one of these templates' texts reads in the
// request's language, and so do the tasks made from such an item. A text a tenant wrote or changed is shown as
// written, in every language: it is nobody's translation.
//
// The templates are written with `bilingual(zhHans, en)`, which records the pair and gives the zh-Hans text to
// store: the catalogue fills when the modules load (the composition root imports every kind), before any request.
import type { Language } from './i18n.ts';

export type Bilingual = Record<Language, string>;

/** The description of a field whose stored text may be a template text. */
export const TEMPLATE_TEXT_FIELD =
  "In the request's language when it is a text of the templates a new tenant starts with (zh-Hans or en); as written when a tenant wrote or changed it.";

const byText = new Map<string, Bilingual>();
const pairs: Bilingual[] = [];

/** Records a template text in both languages; returns the zh-Hans text, the one stored. */
export function bilingual(zhHans: string, en: string): string {
  const known = byText.get(zhHans);
  if (known && known.en !== en) throw new Error(`Two English texts for the template text "${zhHans}"`);
  if (!known) {
    const pair: Bilingual = { 'zh-Hans': zhHans, en };
    pairs.push(pair);
    byText.set(zhHans, pair);
    if (!byText.has(en)) byText.set(en, pair);
  }
  return zhHans;
}

/** A stored text in a language: the template text's translation, else the text as written. */
export function templateText(stored: string, language: Language): string {
  return byText.get(stored)?.[language] ?? stored;
}

/**
 * A text made from a template text and a label, "text（label）" — a task of a per-meal or per-itinerary-item step
 * (task.service.ts), or one a module makes (a complaint's escalation, a case's deferred paperwork, a round's
 * check): the text translated, and each space-separated word of the label that is one of these texts (a meal's
 * name, a triage level); the rest of the label (a date, an itinerary item's title) as written. Anything else as
 * `templateText`.
 */
export function labelledTemplateText(stored: string, language: Language): string {
  const whole = byText.get(stored);
  if (whole) return whole[language];
  const m = /^(.+)（([^（）]*)）$/s.exec(stored);
  const text = m ? byText.get(m[1]!) : undefined;
  if (!m || !text) return stored;
  const label = m[2]!
    .split(' ')
    .map((word) => templateText(word, language))
    .join(' ');
  return language === 'zh-Hans' ? `${text[language]}（${label}）` : `${text[language]} (${label})`;
}

/** `templateText`, for a text that may be absent. */
export function templateTextOrNull(stored: string | null | undefined, language: Language): string | null {
  return stored == null ? null : templateText(stored, language);
}

/** `labelledTemplateText`, for a text that may be absent. */
export function labelledTemplateTextOrNull(stored: string | null | undefined, language: Language): string | null {
  return stored == null ? null : labelledTemplateText(stored, language);
}

/** A "text（label）" to store: the label's full-width brackets become spaces, so the text reads back whole. */
export function labelled(text: string, label: string): string {
  return `${text}（${label.replaceAll(/[（）]/g, ' ').trim()}）`;
}

/** Every recorded pair (for the catalogue tests). */
export function templateTextPairs(): readonly Bilingual[] {
  return pairs;
}
