import { domainError } from '../../../shared/errors.ts';

export const ASSESSMENT_ERROR_CODES = [
  'NOT_FOUND',
  'NAME_TAKEN',
  /** The template has no published version to assess with. */
  'NOT_PUBLISHED',
  /** A score outside its criterion's scale, or for a criterion the version does not have. */
  'SCORE_OUT_OF_SCALE',
  'UNKNOWN_CRITERION',
  /** Submitting needs a score for every criterion. */
  'INCOMPLETE',
  'ILLEGAL_TRANSITION',
  'WRONG_SUBJECT',
  'CONFLICT',
  'INVALID_REFERENCE',
] as const;
export type AssessmentErrorCode = (typeof ASSESSMENT_ERROR_CODES)[number];

export class AssessmentError extends domainError('AssessmentError', ASSESSMENT_ERROR_CODES, 'An assessment change was refused; nothing was changed.', {
  'zh-Hans': {
    NOT_PUBLISHED: '该模板没有已发布的版本。',
    SCORE_OUT_OF_SCALE: '评分超出该指标的量表范围。',
    UNKNOWN_CRITERION: '该指标不属于此模板。',
    INCOMPLETE: '提交前需为每项指标评分。',
    WRONG_SUBJECT: '评估对象与模板不符。',
  },
  en: {
    NOT_PUBLISHED: 'The template has no published version.',
    SCORE_OUT_OF_SCALE: "A score is outside its criterion's scale.",
    UNKNOWN_CRITERION: 'A criterion does not belong to this template.',
    INCOMPLETE: 'Submitting needs a score for every criterion.',
    WRONG_SUBJECT: 'The subject does not fit the template.',
  },
}) {
  constructor(
    code: AssessmentErrorCode,
    message: string,
    readonly path: string[] = [],
  ) {
    super(code, message);
  }
}
