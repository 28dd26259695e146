// Score computation on fixed examples with known totals, for each scale kind and with weights.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { criterionPercent, normalize, scaleViolation, totalScore, type Criterion } from '../assessment.scoring.ts';

const points = (key: string, weight: number, max = 5): Criterion => ({ key, title: key, guidance: null, weight, scale: { kind: 'POINTS', min: 0, max } });
const passFail = (key: string, weight: number): Criterion => ({ key, title: key, guidance: null, weight, scale: { kind: 'PASS_FAIL', min: 0, max: 1 } });
const percent = (key: string, weight: number): Criterion => ({ key, title: key, guidance: null, weight, scale: { kind: 'PERCENTAGE', min: 0, max: 100 } });

describe('assessment scoring', () => {
  it('normalizes each scale kind', () => {
    expect(normalize(points('a', 1), 4)).toBe(0.8);
    expect(normalize(points('a', 1, 10), 7.5)).toBe(0.75);
    expect(normalize({ ...points('a', 1), scale: { kind: 'POINTS', min: 1, max: 5 } }, 3)).toBe(0.5);
    expect(normalize(passFail('p', 1), 1)).toBe(1);
    expect(normalize(passFail('p', 1), 0)).toBe(0);
    expect(normalize(percent('q', 1), 85)).toBe(0.85);
  });

  it('weights criteria: known totals', () => {
    // (2·0.8 + 1·1 + 1·0.5) / 4 = 0.775 → 77.5
    const criteria = [points('planning', 2), passFail('punctual', 1), percent('budget', 1)];
    expect(
      totalScore(
        criteria,
        new Map([
          ['planning', 4],
          ['punctual', 1],
          ['budget', 50],
        ]),
      ),
    ).toBe(77.5);
    // all perfect → 100; all zero → 0
    expect(
      totalScore(
        criteria,
        new Map([
          ['planning', 5],
          ['punctual', 1],
          ['budget', 100],
        ]),
      ),
    ).toBe(100);
    expect(
      totalScore(
        criteria,
        new Map([
          ['planning', 0],
          ['punctual', 0],
          ['budget', 0],
        ]),
      ),
    ).toBe(0);
    // weights 3, 1.5, 0.5: (3·0.6 + 1.5·0 + 0.5·0.9) / 5 = 0.45 → 45
    const weighted = [points('a', 3), passFail('b', 1.5), percent('c', 0.5)];
    expect(
      totalScore(
        weighted,
        new Map([
          ['a', 3],
          ['b', 0],
          ['c', 90],
        ]),
      ),
    ).toBe(45);
    // 1/3 rounds to two decimals
    expect(
      totalScore(
        [passFail('x', 1), passFail('y', 1), passFail('z', 1)],
        new Map([
          ['x', 1],
          ['y', 0],
          ['z', 0],
        ]),
      ),
    ).toBe(33.33);
  });

  it('counts only scored criteria in a draft, and nothing scored is no total', () => {
    const criteria = [points('a', 1), points('b', 3)];
    expect(totalScore(criteria, new Map([['a', 5]]))).toBe(100);
    expect(totalScore(criteria, new Map())).toBeNull();
  });

  it('refuses values off the scale', () => {
    expect(scaleViolation(points('a', 1), 6)).toMatch(/between 0 and 5/);
    expect(scaleViolation(points('a', 1), -1)).toMatch(/between/);
    expect(scaleViolation(points('a', 1), 2.125)).toMatch(/two decimals/);
    expect(scaleViolation(passFail('p', 1), 0.5)).toMatch(/1 \(pass\) or 0/);
    expect(scaleViolation(percent('q', 1), 101)).toMatch(/between 0 and 100/);
    expect(scaleViolation(percent('q', 1), Number.NaN)).toBe('not a number');
    expect(scaleViolation(points('a', 1), 3.5)).toBeNull();
    expect(criterionPercent(points('a', 1), 3)).toBe(60);
  });

  it('a total is always within 0–100 and between the lowest and highest criterion score', () => {
    const criterion = fc.record({
      weight: fc.integer({ min: 1, max: 1000 }).map((w) => w / 100),
      max: fc.integer({ min: 1, max: 10 }),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(criterion, { minLength: 1, maxLength: 8 }), (specs) => {
        const criteria = specs.map((s, i) => points(`c${i}`, s.weight, s.max));
        const scores = new Map(specs.map((s, i) => [`c${i}`, Math.round(s.fraction * s.max * 100) / 100]));
        const total = totalScore(criteria, scores)!;
        const percents = criteria.map((c) => criterionPercent(c, scores.get(c.key)!));
        expect(total).toBeGreaterThanOrEqual(0);
        expect(total).toBeLessThanOrEqual(100);
        expect(total).toBeGreaterThanOrEqual(Math.min(...percents) - 0.01);
        expect(total).toBeLessThanOrEqual(Math.max(...percents) + 0.01);
      }),
    );
  });
});
