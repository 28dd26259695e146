// A survey version's questions (the JSON document stored in survey_versions.questions), and the pure
// rules of answering them: every answer checked against its question (kind, range, known options,
// required), and what makes a response negative. No database, no GraphQL: unit-tested as it is.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AnswerIssue } from './feedback.errors.ts';

export const QUESTION_KINDS = ['RATING', 'NPS', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'TEXT'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const CHOICE_KINDS: readonly QuestionKind[] = ['SINGLE_CHOICE', 'MULTIPLE_CHOICE'];
/** The scale of each numeric kind, inclusive. */
export const SCALES = { RATING: { min: 1, max: 5 }, NPS: { min: 0, max: 10 } } as const;
/** A rating at or below this, or an NPS at or below that, is a negative answer (a detractor). */
export const NEGATIVE_RATING_MAX = 2;
export const NPS_DETRACTOR_MAX = 6;
export const NPS_PROMOTER_MIN = 9;
export const TEXT_ANSWER_MAX = 2000;

export interface SurveyOption {
  key: string;
  label: string;
}
export interface SurveyQuestion {
  key: string;
  kind: QuestionKind;
  text: string;
  required: boolean;
  options: SurveyOption[];
}

// ── the document, as admins write it ────────────────────────────────────────────────────────────

const optionInput = z.object({
  key: z.string().uuid().nullish(),
  label: z.string().trim().min(1).max(200),
});
const questionInput = z
  .object({
    /** Keep a question's key when editing, so its answers line up across versions. */
    key: z.string().uuid().nullish(),
    kind: z.enum(QUESTION_KINDS),
    text: z.string().trim().min(1).max(1000),
    required: z.boolean().nullish(),
    options: z.array(optionInput).max(30).nullish(),
  })
  .superRefine((q, ctx) => {
    const options = q.options ?? [];
    if (CHOICE_KINDS.includes(q.kind)) {
      if (options.length < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice question needs at least two options' });
      const labels = options.map((o) => o.label);
      if (new Set(labels).size !== labels.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'option labels must differ' });
      const keys = options.flatMap((o) => (o.key ? [o.key] : []));
      if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'option keys must differ' });
    } else if (options.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.kind} question has no options` });
    }
  });
export const questionsInput = z
  .array(questionInput)
  .max(100)
  .superRefine((qs, ctx) => {
    const seen = new Set<string>();
    qs.forEach((q, i) => {
      if (!q.key) return;
      if (seen.has(q.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'question keys must differ' });
      seen.add(q.key);
    });
  });
export type QuestionsInput = z.input<typeof questionsInput>;

/** The stored document: every question and option with a key (new ones get a fresh one). */
export function normalizeQuestions(input: z.output<typeof questionsInput>): SurveyQuestion[] {
  return input.map((q) => ({
    key: q.key ?? randomUUID(),
    kind: q.kind,
    text: q.text,
    required: q.required ?? false,
    options: CHOICE_KINDS.includes(q.kind) ? (q.options ?? []).map((o) => ({ key: o.key ?? randomUUID(), label: o.label })) : [],
  }));
}

/** Reads a stored document (written by normalizeQuestions only). */
export function readQuestions(json: unknown): SurveyQuestion[] {
  return Array.isArray(json) ? (json as SurveyQuestion[]) : [];
}

// ── answering ───────────────────────────────────────────────────────────────────────────────────

export interface AnswerInput {
  questionKey: string;
  number?: number | null;
  optionKeys?: readonly string[] | null;
  text?: string | null;
}

/** An accepted answer, as stored (survey_answers). */
export interface AnswerValue {
  questionKey: string;
  kind: QuestionKind;
  numberValue: number | null;
  optionKeys: string[];
  textValue: string | null;
}

const isEmpty = (a: AnswerInput) =>
  (a.number === null || a.number === undefined) && !(a.optionKeys && a.optionKeys.length > 0) && !(a.text && a.text.trim().length > 0);

/**
 * Checks answers against a version's questions. An answer with no value at all counts as not given
 * (an optional question may be skipped that way). Returns the accepted values, or every issue found
 * (one per offending answer, in question order) — never both.
 */
export function checkAnswers(
  questions: readonly SurveyQuestion[],
  answers: readonly AnswerInput[],
): { ok: true; values: AnswerValue[] } | { ok: false; issues: AnswerIssue[] } {
  const byKey = new Map(questions.map((q, i) => [q.key, { question: q, position: i + 1 }]));
  const issues: AnswerIssue[] = [];
  const values = new Map<string, AnswerValue>();
  const seen = new Set<string>();
  const flagged = new Set<string>();
  const issue = (questionKey: string, position: number | null, code: AnswerIssue['code'], message: string) => {
    issues.push({ questionKey, position, code, message });
    flagged.add(questionKey);
  };

  for (const answer of answers) {
    const found = byKey.get(answer.questionKey);
    if (!found) {
      issue(answer.questionKey, null, 'UNKNOWN_QUESTION', 'No question of this survey has this key');
      continue;
    }
    const { question: q, position } = found;
    if (seen.has(q.key)) {
      if (!flagged.has(q.key)) issue(q.key, position, 'DUPLICATE_ANSWER', 'This question is answered twice');
      values.delete(q.key);
      continue;
    }
    seen.add(q.key);
    if (isEmpty(answer)) continue;
    const hasNumber = answer.number !== null && answer.number !== undefined;
    const options = [...(answer.optionKeys ?? [])];
    const hasText = answer.text !== null && answer.text !== undefined && answer.text.length > 0;

    if (q.kind === 'RATING' || q.kind === 'NPS') {
      const { min, max } = SCALES[q.kind];
      if (options.length > 0 || hasText || !hasNumber) {
        issue(q.key, position, 'WRONG_KIND', `Answer with a number from ${min} to ${max}`);
      } else if (!Number.isInteger(answer.number) || answer.number! < min || answer.number! > max) {
        issue(q.key, position, 'OUT_OF_RANGE', `Answer with a whole number from ${min} to ${max}`);
      } else {
        values.set(q.key, { questionKey: q.key, kind: q.kind, numberValue: answer.number!, optionKeys: [], textValue: null });
      }
    } else if (q.kind === 'SINGLE_CHOICE' || q.kind === 'MULTIPLE_CHOICE') {
      const known = new Set(q.options.map((o) => o.key));
      if (hasNumber || hasText || options.length === 0) {
        issue(q.key, position, 'WRONG_KIND', 'Answer by choosing options');
      } else if (options.some((k) => !known.has(k))) {
        issue(q.key, position, 'UNKNOWN_OPTION', "Choose among the question's options");
      } else if (new Set(options).size !== options.length) {
        issue(q.key, position, 'TOO_MANY_OPTIONS', 'An option is chosen twice');
      } else if (q.kind === 'SINGLE_CHOICE' && options.length > 1) {
        issue(q.key, position, 'TOO_MANY_OPTIONS', 'Choose one option only');
      } else {
        // Stored in the question's order, whatever order they came in.
        const ordered = q.options.map((o) => o.key).filter((k) => options.includes(k));
        values.set(q.key, { questionKey: q.key, kind: q.kind, numberValue: null, optionKeys: ordered, textValue: null });
      }
    } else {
      const text = (answer.text ?? '').trim();
      if (hasNumber || options.length > 0) {
        issue(q.key, position, 'WRONG_KIND', 'Answer with text');
      } else if (text.length > TEXT_ANSWER_MAX) {
        issue(q.key, position, 'TOO_LONG', `At most ${TEXT_ANSWER_MAX} characters`);
      } else {
        values.set(q.key, { questionKey: q.key, kind: q.kind, numberValue: null, optionKeys: [], textValue: text });
      }
    }
  }

  questions.forEach((q, i) => {
    if (q.required && !values.has(q.key) && !flagged.has(q.key)) issue(q.key, i + 1, 'REQUIRED', 'This question needs an answer');
  });
  if (issues.length > 0) {
    const order = (i: AnswerIssue) => i.position ?? Number.MAX_SAFE_INTEGER;
    return { ok: false, issues: issues.sort((a, b) => order(a) - order(b)) };
  }
  return { ok: true, values: questions.flatMap((q) => values.get(q.key) ?? []) };
}

/**
 * Why a response is negative: each rating ≤ 2, each NPS ≤ 6, and the respondent's complaint flag.
 * The lines name the question and the score only: never free text, never who answered (they go into
 * a task that every member of the tenant can read).
 */
export function negativeReasons(questions: readonly SurveyQuestion[], values: readonly AnswerValue[], complaint: boolean): string[] {
  const reasons: string[] = [];
  questions.forEach((q, i) => {
    const value = values.find((v) => v.questionKey === q.key)?.numberValue;
    if (value === null || value === undefined) return;
    if (q.kind === 'RATING' && value <= NEGATIVE_RATING_MAX) reasons.push(`第${i + 1}题「${q.text}」评分 ${value}/5`);
    if (q.kind === 'NPS' && value <= NPS_DETRACTOR_MAX) reasons.push(`第${i + 1}题「${q.text}」推荐度 ${value}/10`);
  });
  if (complaint) reasons.push('受访者标记为投诉');
  return reasons;
}
