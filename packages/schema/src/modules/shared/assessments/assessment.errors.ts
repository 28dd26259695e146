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

export class AssessmentError extends domainError('AssessmentError', ASSESSMENT_ERROR_CODES, 'An assessment change was refused; nothing was changed.') {
  constructor(
    code: AssessmentErrorCode,
    message: string,
    readonly path: string[] = [],
  ) {
    super(code, message);
  }
}
