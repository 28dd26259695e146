// Answer checking and negativity, alone (the same rules are proven through the gateway in
// feedback.respond.test.ts): each kind's accepted and refused values, required questions, and what
// makes a response negative.
import { describe, expect, it } from 'vitest';
import { checkAnswers, negativeReasons, normalizeQuestions, questionsInput, type SurveyQuestion } from '../survey.questions.ts';

const questions: SurveyQuestion[] = [
  { key: 'r', kind: 'RATING', text: '总体满意度', required: true, options: [] },
  { key: 'n', kind: 'NPS', text: '推荐意愿', required: false, options: [] },
  {
    key: 's',
    kind: 'SINGLE_CHOICE',
    text: '目的',
    required: false,
    options: [
      { key: 's1', label: '甲' },
      { key: 's2', label: '乙' },
    ],
  },
  {
    key: 'm',
    kind: 'MULTIPLE_CHOICE',
    text: '改进',
    required: false,
    options: [
      { key: 'm1', label: '甲' },
      { key: 'm2', label: '乙' },
      { key: 'm3', label: '丙' },
    ],
  },
  { key: 't', kind: 'TEXT', text: '建议', required: false, options: [] },
];
const codes = (answers: Parameters<typeof checkAnswers>[1]) => {
  const result = checkAnswers(questions, answers);
  return result.ok ? [] : result.issues.map((i) => `${i.position ?? '?'}:${i.code}`);
};

describe('checkAnswers', () => {
  it("accepts each kind's values, in the question order, trimmed", () => {
    const result = checkAnswers(questions, [
      { questionKey: 't', text: '  很好 ' },
      { questionKey: 'm', optionKeys: ['m3', 'm1'] },
      { questionKey: 'r', number: 5 },
      { questionKey: 'n', number: 0 },
      { questionKey: 's', optionKeys: ['s2'] },
    ]);
    expect(result).toEqual({
      ok: true,
      values: [
        { questionKey: 'r', kind: 'RATING', numberValue: 5, optionKeys: [], textValue: null },
        { questionKey: 'n', kind: 'NPS', numberValue: 0, optionKeys: [], textValue: null },
        { questionKey: 's', kind: 'SINGLE_CHOICE', numberValue: null, optionKeys: ['s2'], textValue: null },
        { questionKey: 'm', kind: 'MULTIPLE_CHOICE', numberValue: null, optionKeys: ['m1', 'm3'], textValue: null },
        { questionKey: 't', kind: 'TEXT', numberValue: null, optionKeys: [], textValue: '很好' },
      ],
    });
  });

  it('skips empty answers to optional questions, and requires the required ones', () => {
    expect(checkAnswers(questions, [{ questionKey: 'r', number: 3 }, { questionKey: 'n' }, { questionKey: 't', text: ' ' }])).toMatchObject({ ok: true });
    expect(codes([])).toEqual(['1:REQUIRED']);
    expect(codes([{ questionKey: 'r', optionKeys: [] }])).toEqual(['1:REQUIRED']);
  });

  it('refuses out-of-range numbers', () => {
    for (const n of [0, 6, -1, 2.5]) expect(codes([{ questionKey: 'r', number: n }])).toEqual(['1:OUT_OF_RANGE']);
    for (const n of [-1, 11])
      expect(
        codes([
          { questionKey: 'r', number: 3 },
          { questionKey: 'n', number: n },
        ]),
      ).toEqual(['2:OUT_OF_RANGE']);
    expect(
      codes([
        { questionKey: 'r', number: 1 },
        { questionKey: 'n', number: 10 },
      ]),
    ).toEqual([]);
  });

  it('refuses values of the wrong kind', () => {
    expect(codes([{ questionKey: 'r', text: '五' }])).toEqual(['1:WRONG_KIND']);
    expect(codes([{ questionKey: 'r', number: 3, text: '五' }])).toEqual(['1:WRONG_KIND']);
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 's', number: 1 },
        { questionKey: 'm', text: '甲' },
        { questionKey: 't', optionKeys: ['m1'] },
      ]),
    ).toEqual(['3:WRONG_KIND', '4:WRONG_KIND', '5:WRONG_KIND']);
  });

  it('refuses unknown options, two options of a single choice, an option twice', () => {
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 's', optionKeys: ['m1'] },
      ]),
    ).toEqual(['3:UNKNOWN_OPTION']);
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 's', optionKeys: ['s1', 's2'] },
      ]),
    ).toEqual(['3:TOO_MANY_OPTIONS']);
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 'm', optionKeys: ['m1', 'm1'] },
      ]),
    ).toEqual(['4:TOO_MANY_OPTIONS']);
  });

  it('refuses long text, unknown questions, and a question answered twice', () => {
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 't', text: 'x'.repeat(2001) },
      ]),
    ).toEqual(['5:TOO_LONG']);
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 't', text: 'x'.repeat(2000) },
      ]),
    ).toEqual([]);
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 'zz', number: 3 },
      ]),
    ).toEqual(['?:UNKNOWN_QUESTION']);
    expect(
      codes([
        { questionKey: 'r', number: 3 },
        { questionKey: 'r', number: 4 },
      ]),
    ).toEqual(['1:DUPLICATE_ANSWER']);
  });
});

describe('negativeReasons', () => {
  const value = (questionKey: string, kind: SurveyQuestion['kind'], numberValue: number) => ({
    questionKey,
    kind,
    numberValue,
    optionKeys: [],
    textValue: null,
  });
  it('names each rating ≤ 2, each NPS ≤ 6, and the complaint flag', () => {
    expect(negativeReasons(questions, [value('r', 'RATING', 3), value('n', 'NPS', 7)], false)).toEqual([]);
    expect(negativeReasons(questions, [value('r', 'RATING', 2), value('n', 'NPS', 6)], false)).toEqual([
      '第1题「总体满意度」评分 2/5',
      '第2题「推荐意愿」推荐度 6/10',
    ]);
    expect(negativeReasons(questions, [value('r', 'RATING', 5)], true)).toEqual(['受访者标记为投诉']);
  });
});

describe('the question document', () => {
  it('gives new questions and options keys and keeps the given ones', () => {
    const parsed = questionsInput.parse([
      {
        key: '11111111-1111-4111-8111-111111111111',
        kind: 'SINGLE_CHOICE',
        text: 'q',
        options: [{ label: 'a' }, { key: '22222222-2222-4222-8222-222222222222', label: 'b' }],
      },
      { kind: 'TEXT', text: 't' },
    ]);
    const [choice, text] = normalizeQuestions(parsed);
    expect(choice!.key).toBe('11111111-1111-4111-8111-111111111111');
    expect(choice!.options[1]!.key).toBe('22222222-2222-4222-8222-222222222222');
    expect(choice!.options[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(text).toMatchObject({ kind: 'TEXT', required: false, options: [] });
  });

  it('refuses choice questions without two distinct options, options elsewhere, and repeated keys', () => {
    const issues = (input: unknown) => {
      const r = questionsInput.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues([{ kind: 'SINGLE_CHOICE', text: 'q', options: [{ label: 'a' }] }])).toEqual(['0.options']);
    expect(issues([{ kind: 'NPS', text: 'q', options: [{ label: 'a' }, { label: 'b' }] }])).toEqual(['0.options']);
    expect(issues([{ kind: 'MULTIPLE_CHOICE', text: 'q', options: [{ label: 'a' }, { label: 'a' }] }])).toEqual(['0.options']);
    const key = '33333333-3333-4333-8333-333333333333';
    expect(
      issues([
        { key, kind: 'TEXT', text: 'a' },
        { key, kind: 'TEXT', text: 'b' },
      ]),
    ).toEqual(['1.key']);
  });
});
