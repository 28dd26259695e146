// Scores, computed, never stored by hand: each criterion's value is normalized on its scale to 0–1,
// and the total is the weighted mean of the scored criteria, on 0–100.
export type ScaleKind = 'POINTS' | 'PASS_FAIL' | 'PERCENTAGE';

export interface Criterion {
  /** Stable across versions: trends per criterion follow it. */
  key: string;
  title: string;
  guidance: string | null;
  weight: number;
  scale: { kind: ScaleKind; min: number; max: number };
}

/** Why a value is not on the criterion's scale, or null when it is. */
export function scaleViolation(criterion: Criterion, value: number): string | null {
  const { kind, min, max } = criterion.scale;
  if (!Number.isFinite(value)) return 'not a number';
  if (kind === 'PASS_FAIL') return value === 0 || value === 1 ? null : 'pass/fail takes 1 (pass) or 0 (fail)';
  if (value < min || value > max) return `must be between ${min} and ${max}`;
  if (Math.round(value * 100) !== value * 100) return 'at most two decimals';
  return null;
}

/** The value's place on its scale, 0–1. */
export function normalize(criterion: Criterion, value: number): number {
  const { min, max } = criterion.scale;
  return (value - min) / (max - min);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The weighted total on 0–100 over the criteria that have a score (all of them once submitted);
 * null when nothing is scored yet.
 */
export function totalScore(criteria: Criterion[], scores: ReadonlyMap<string, number>): number | null {
  let weighted = 0;
  let weights = 0;
  for (const c of criteria) {
    const value = scores.get(c.key);
    if (value === undefined) continue;
    weighted += c.weight * normalize(c, value);
    weights += c.weight;
  }
  return weights === 0 ? null : round2((weighted / weights) * 100);
}

/** A criterion's score on 0–100, for trends across criteria of different scales. */
export const criterionPercent = (criterion: Criterion, value: number) => round2(normalize(criterion, value) * 100);
