// The arithmetic of results, alone: distributions over the whole scale, averages, NPS (promoters −
// detractors), response rates and choice counts, on fixed counts and as properties (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageOf, binsOf, choiceCounts, npsOf, questionResult, responseRate, round } from '../survey.results.ts';
import type { SurveyQuestion } from '../survey.questions.ts';

const counts = (entries: [number, number][]) => new Map(entries);

describe('distributions', () => {
  it('cover the whole scale, zeros included, lowest first', () => {
    expect(
      binsOf(
        'RATING',
        counts([
          [5, 2],
          [1, 1],
        ]),
      ),
    ).toEqual([
      { value: 1, count: 1 },
      { value: 2, count: 0 },
      { value: 3, count: 0 },
      { value: 4, count: 0 },
      { value: 5, count: 2 },
    ]);
    expect(binsOf('NPS', counts([])).map((b) => b.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('averages', () => {
  it('are the mean of the answers, two decimals; null without answers', () => {
    expect(
      averageOf(
        binsOf(
          'RATING',
          counts([
            [5, 1],
            [4, 1],
            [2, 1],
          ]),
        ),
      ),
    ).toBe(3.67);
    expect(
      averageOf(
        binsOf(
          'RATING',
          counts([
            [1, 1],
            [2, 1],
            [3, 1],
            [4, 1],
            [5, 1],
          ]),
        ),
      ),
    ).toBe(3);
    expect(
      averageOf(
        binsOf(
          'NPS',
          counts([
            [10, 1],
            [9, 1],
            [7, 1],
            [8, 1],
            [0, 1],
          ]),
        ),
      ),
    ).toBe(6.8);
    expect(
      averageOf(
        binsOf(
          'RATING',
          counts([
            [3, 2],
            [4, 1],
          ]),
        ),
      ),
    ).toBe(3.33);
    expect(averageOf(binsOf('RATING', counts([])))).toBeNull();
  });
});

describe('NPS', () => {
  it('is % promoters (9–10) − % detractors (0–6), one decimal', () => {
    expect(
      npsOf(
        binsOf(
          'NPS',
          counts([
            [10, 1],
            [9, 1],
            [7, 1],
            [8, 1],
            [0, 1],
          ]),
        ),
      ),
    ).toEqual({ score: 20, promoters: 2, passives: 2, detractors: 1, total: 5 });
    expect(
      npsOf(
        binsOf(
          'NPS',
          counts([
            [10, 1],
            [9, 1],
            [7, 1],
          ]),
        ),
      ),
    ).toEqual({ score: 66.7, promoters: 2, passives: 1, detractors: 0, total: 3 });
    expect(
      npsOf(
        binsOf(
          'NPS',
          counts([
            [6, 1],
            [8, 1],
          ]),
        ),
      ),
    ).toEqual({ score: -50, promoters: 0, passives: 1, detractors: 1, total: 2 });
    expect(npsOf(binsOf('NPS', counts([[10, 4]])))?.score).toBe(100);
    expect(
      npsOf(
        binsOf(
          'NPS',
          counts([
            [0, 2],
            [6, 3],
          ]),
        ),
      )?.score,
    ).toBe(-100);
    expect(
      npsOf(
        binsOf(
          'NPS',
          counts([
            [7, 2],
            [8, 3],
          ]),
        ),
      )?.score,
    ).toBe(0);
    // The boundaries: 6 is a detractor, 7 and 8 passives, 9 a promoter.
    expect(
      npsOf(
        binsOf(
          'NPS',
          counts([
            [6, 1],
            [7, 1],
            [8, 1],
            [9, 1],
          ]),
        ),
      ),
    ).toMatchObject({ promoters: 1, passives: 2, detractors: 1 });
    expect(npsOf(binsOf('NPS', counts([])))).toBeNull();
  });

  it('always lies in [−100, 100] and splits every answer into one group', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 11, maxLength: 11 }), (perValue) => {
        const bins = binsOf('NPS', new Map(perValue.map((n, value) => [value, n])));
        const nps = npsOf(bins);
        const total = perValue.reduce((a, b) => a + b, 0);
        if (total === 0) return nps === null;
        return (
          nps !== null &&
          nps.total === total &&
          nps.promoters + nps.passives + nps.detractors === total &&
          nps.score >= -100 &&
          nps.score <= 100 &&
          // rounded to one decimal: off by at most half a tenth (plus floating-point dust)
          Math.abs(nps.score - ((nps.promoters - nps.detractors) / total) * 100) <= 0.05 + 1e-9
        );
      }),
    );
  });

  it('averages lie within the scale', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 20 }), { minLength: 5, maxLength: 5 }), (perValue) => {
        const average = averageOf(binsOf('RATING', new Map(perValue.map((n, i) => [i + 1, n]))));
        return perValue.every((n) => n === 0) ? average === null : average! >= 1 && average! <= 5;
      }),
    );
  });
});

describe('response rates and choices', () => {
  it('rates responses per invitation, three decimals; null when nobody was invited', () => {
    expect(responseRate(5, 8)).toBe(0.625);
    expect(responseRate(2, 3)).toBe(0.667);
    expect(responseRate(0, 4)).toBe(0);
    expect(responseRate(0, 0)).toBeNull();
  });

  it("counts each option in the question's order, with its share of those who answered", () => {
    const question: SurveyQuestion = {
      key: 'q',
      kind: 'MULTIPLE_CHOICE',
      text: '需改进之处',
      required: false,
      options: [
        { key: 'a', label: '住宿' },
        { key: 'b', label: '餐饮' },
        { key: 'c', label: '用车' },
      ],
    };
    expect(
      choiceCounts(
        question,
        new Map([
          ['b', 1],
          ['a', 2],
        ]),
        3,
      ),
    ).toEqual([
      { key: 'a', label: '住宿', count: 2, share: 0.667 },
      { key: 'b', label: '餐饮', count: 1, share: 0.333 },
      { key: 'c', label: '用车', count: 0, share: 0 },
    ]);
    expect(choiceCounts(question, new Map(), 0).map((c) => c.share)).toEqual([0, 0, 0]);
  });

  it('gives each kind of question its own figures', () => {
    const q = (kind: SurveyQuestion['kind']): SurveyQuestion => ({
      key: 'k',
      kind,
      text: 't',
      required: false,
      options: kind.endsWith('CHOICE')
        ? [
            { key: 'x', label: 'X' },
            { key: 'y', label: 'Y' },
          ]
        : [],
    });
    const none = questionResult(q('NPS'), 2, undefined);
    expect(none).toMatchObject({ answered: 0, average: null, nps: null, choices: [] });
    expect(none.distribution).toHaveLength(11);
    const rating = questionResult(q('RATING'), 1, {
      answered: 2,
      numbers: new Map([
        [4, 1],
        [5, 1],
      ]),
      options: new Map(),
    });
    expect(rating).toMatchObject({ answered: 2, average: 4.5, nps: null, choices: [] });
    const single = questionResult(q('SINGLE_CHOICE'), 3, {
      answered: 4,
      numbers: new Map(),
      options: new Map([
        ['y', 3],
        ['x', 1],
      ]),
    });
    expect(single).toMatchObject({ average: null, distribution: [], nps: null });
    expect(single.choices.map((c) => [c.label, c.count, c.share])).toEqual([
      ['X', 1, 0.25],
      ['Y', 3, 0.75],
    ]);
    expect(questionResult(q('TEXT'), 5, { answered: 7, numbers: new Map(), options: new Map() })).toMatchObject({
      answered: 7,
      average: null,
      distribution: [],
      choices: [],
    });
  });

  it('rounds half up', () => {
    expect(round(1.005, 2)).toBe(1.01);
    expect(round(66.66666, 1)).toBe(66.7);
    expect(round(-16.65, 1)).toBe(-16.6);
  });
});
