import { domainError } from '../../../shared/errors.ts';

export const FEEDBACK_ERROR_CODES = [
  'NOT_FOUND',
  /** `expectedVersion` is not the survey's current version: someone changed it meanwhile. */
  'CONFLICT',
  /** A closed survey no longer changes, invites or accepts answers. */
  'SURVEY_CLOSED',
  /** Invitations need a published version. */
  'NOT_PUBLISHED',
  /** Publishing needs a draft (edit the survey first). */
  'NO_DRAFT',
  'INVALID_REFERENCE',
  'NAME_TAKEN',
  /**
   * The respondent token is unknown, forged, expired, already used, or its survey is closed: one
   * code and one message for all, so that a token's state cannot be probed.
   */
  'INVALID_TOKEN',
  /** Too many submissions for this token or from this client address: try again later. */
  'RATE_LIMITED',
  /** The response has no follow-up task (it was not negative). */
  'NO_FOLLOW_UP',
] as const;
export type FeedbackErrorCode = (typeof FEEDBACK_ERROR_CODES)[number];

export const FeedbackError = domainError('FeedbackError', FEEDBACK_ERROR_CODES, 'A feedback operation was refused; nothing was changed.', {
  'zh-Hans': {
    SURVEY_CLOSED: '问卷已关闭，不能再修改、邀请或作答。',
    NOT_PUBLISHED: '请先发布问卷。',
    NO_DRAFT: '没有可发布的草稿：请先编辑问卷。',
    INVALID_TOKEN: '此问卷链接无效（可能已过期或已使用）。',
    NO_FOLLOW_UP: '此回答不是负面评价，无需跟进。',
  },
  en: {
    SURVEY_CLOSED: 'The survey is closed: it no longer changes, invites or accepts answers.',
    NOT_PUBLISHED: 'Publish the survey first.',
    NO_DRAFT: 'There is no draft to publish: edit the survey first.',
    INVALID_TOKEN: 'This survey link is not valid (it may have expired or been used already).',
    NO_FOLLOW_UP: 'This response was not negative: there is nothing to follow up.',
  },
});
export type FeedbackError = InstanceType<typeof FeedbackError>;

/** The one refusal of a token that cannot be used, whatever the reason. */
export const invalidToken = () => new FeedbackError('INVALID_TOKEN', 'This survey link is not valid (it may have expired or been used already)');

export const ANSWER_ERROR_CODES = [
  /** A required question was not answered. */
  'REQUIRED',
  /** A rating outside 1–5 or an NPS outside 0–10. */
  'OUT_OF_RANGE',
  /** An option key that is not one of the question's options. */
  'UNKNOWN_OPTION',
  /** More than one option for a single-choice question, or an option given twice. */
  'TOO_MANY_OPTIONS',
  /** The value does not fit the question's kind (e.g. text for a rating). */
  'WRONG_KIND',
  /** No question of this survey version has this key. */
  'UNKNOWN_QUESTION',
  /** The same question answered twice. */
  'DUPLICATE_ANSWER',
  /** Free text longer than allowed. */
  'TOO_LONG',
] as const;
export type AnswerErrorCode = (typeof ANSWER_ERROR_CODES)[number];

export interface AnswerIssue {
  questionKey: string;
  /** 1-based position of the question in the version (null for an unknown question). */
  position: number | null;
  code: AnswerErrorCode;
  message: string;
}

/** Answers that do not fit the survey version's questions: one typed issue per offending answer. */
export class SurveyAnswersError extends Error {
  override name = 'SurveyAnswersError';
  /** Its `code` in the `Error` interface; each refused answer has its own code in `issues`. */
  readonly code = 'INVALID_ANSWERS';
  constructor(readonly issues: AnswerIssue[]) {
    super(`The answers do not fit the survey: ${issues.map((i) => `${i.position ?? '?'} ${i.code}`).join(', ')}`);
  }
}
