import { domainError } from '../../shared/errors.ts';

export const COMPLAINT_ERROR_CODES = [
  'NOT_FOUND',
  'INVALID_REFERENCE',
  'INVALID_TRANSITION',
  'CONFLICT',
  'NOT_ASSIGNEE',
  'INVALID_CODE',
  'RATE_LIMITED',
  'ALREADY_LINKED',
] as const;
export const ComplaintError = domainError('ComplaintError', COMPLAINT_ERROR_CODES, 'A complaint (投诉与建议) change was refused.', {
  'zh-Hans': { NOT_ASSIGNEE: '只有该投诉的处理人可以执行此操作。', INVALID_CODE: '此投诉链接无效。', ALREADY_LINKED: '该投诉已关联。' },
  en: {
    NOT_ASSIGNEE: "Only the complaint's assignee may do this.",
    INVALID_CODE: 'This complaint link is not valid.',
    ALREADY_LINKED: 'This complaint is linked already.',
  },
});
export type ComplaintError = InstanceType<typeof ComplaintError>;
