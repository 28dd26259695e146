// The arithmetic of results, as pure functions over counts (the database groups and counts; see
// survey-results.service.ts): distributions over the whole scale, averages, NPS, response rates,
// choice counts. Unit-tested in __tests__/survey.results.test.ts.
import { NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN, SCALES, type SurveyQuestion } from './survey.questions.ts';

export interface Bin {
  value: number;
  count: number;
}

export interface Nps {
  /** % promoters (9–10) − % detractors (0–6), from −100 to 100, one decimal. */
  score: number;
  promoters: number;
  passives: number;
  detractors: number;
  total: number;
}

export interface ChoiceCount {
  key: string;
  label: string;
  count: number;
  /** Share of the question's respondents who chose it, 0–1 (multiple choice may add up past 1). */
  share: number;
}

export interface QuestionResult {
  question: SurveyQuestion;
  position: number;
  /** Responses that answered this question. */
  answered: number;
  average: number | null;
  distribution: Bin[];
  nps: Nps | null;
  choices: ChoiceCount[];
}

export const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round((x + Number.EPSILON) * f) / f;
};

/** Every value of the kind's scale with its count (zeros included), lowest first. */
export function binsOf(kind: 'RATING' | 'NPS', counts: ReadonlyMap<number, number>): Bin[] {
  const { min, max } = SCALES[kind];
  const bins: Bin[] = [];
  for (let value = min; value <= max; value++) bins.push({ value, count: counts.get(value) ?? 0 });
  return bins;
}

const total = (bins: readonly Bin[]) => bins.reduce((sum, b) => sum + b.count, 0);

/** The mean of the answers, two decimals; null without answers. */
export function averageOf(bins: readonly Bin[]): number | null {
  const n = total(bins);
  if (n === 0) return null;
  return round(bins.reduce((sum, b) => sum + b.value * b.count, 0) / n, 2);
}

/** Net Promoter Score of 0–10 answers; null without answers. */
export function npsOf(bins: readonly Bin[]): Nps | null {
  const n = total(bins);
  if (n === 0) return null;
  const promoters = bins.filter((b) => b.value >= NPS_PROMOTER_MIN).reduce((s, b) => s + b.count, 0);
  const detractors = bins.filter((b) => b.value <= NPS_DETRACTOR_MAX).reduce((s, b) => s + b.count, 0);
  return {
    score: round(((promoters - detractors) / n) * 100, 1),
    promoters,
    passives: n - promoters - detractors,
    detractors,
    total: n,
  };
}

/** Responses per invitation, 0–1, three decimals; null when nobody was invited. */
export function responseRate(responses: number, invitations: number): number | null {
  if (invitations === 0) return null;
  return round(responses / invitations, 3);
}

/** Each option of the question, in its order, with how many respondents chose it. */
export function choiceCounts(question: SurveyQuestion, counts: ReadonlyMap<string, number>, answered: number): ChoiceCount[] {
  return question.options.map((o) => {
    const count = counts.get(o.key) ?? 0;
    return { key: o.key, label: o.label, count, share: answered === 0 ? 0 : round(count / answered, 3) };
  });
}

/** What the database counted for one question. */
export interface QuestionCounts {
  answered: number;
  numbers: ReadonlyMap<number, number>;
  options: ReadonlyMap<string, number>;
}

export function questionResult(question: SurveyQuestion, position: number, counts: QuestionCounts | undefined): QuestionResult {
  const c = counts ?? { answered: 0, numbers: new Map(), options: new Map() };
  const numeric = question.kind === 'RATING' || question.kind === 'NPS' ? binsOf(question.kind, c.numbers) : [];
  return {
    question,
    position,
    answered: c.answered,
    average: numeric.length > 0 ? averageOf(numeric) : null,
    distribution: numeric,
    nps: question.kind === 'NPS' ? npsOf(numeric) : null,
    choices: question.kind === 'SINGLE_CHOICE' || question.kind === 'MULTIPLE_CHOICE' ? choiceCounts(question, c.options, c.answered) : [],
  };
}
