import { domainError } from '../../../shared/errors.ts';

export const TASK_ERROR_CODES = [
  'NOT_FOUND',
  /** `expectedVersion` is stale: the task changed meanwhile. */
  'CONFLICT',
  'ILLEGAL_TRANSITION',
  /** Blocking and skipping need a reason. */
  'REASON_REQUIRED',
  'INVALID_REFERENCE',
  'NAME_TAKEN',
  /** A visit has at most MAX_TASKS_PER_VISIT tasks (task.service.ts; enforced by a trigger). */
  'TOO_MANY_TASKS',
  /** The task is part of another record (a round's check, a finding's corrective action, a complaint's escalation,
   * a green-channel case's paperwork, a department standard's assessment): it is not deleted; skip it instead. */
  'TASK_IN_USE',
] as const;
export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number];

export const TaskError = domainError('TaskError', TASK_ERROR_CODES, 'A task or checklist change was refused; nothing was changed.', {
  'zh-Hans': {
    REASON_REQUIRED: '阻塞或跳过任务需要说明原因。',
    TOO_MANY_TASKS: '一次接待的任务数已达上限。',
    TASK_IN_USE: '此任务被其他记录引用，不能删除；可以跳过它。',
  },
  en: {
    REASON_REQUIRED: 'Blocking or skipping a task needs a reason.',
    TOO_MANY_TASKS: 'A visit has reached its maximum number of tasks.',
    TASK_IN_USE: 'Another record relies on this task: it cannot be deleted; skip it instead.',
  },
});
export type TaskError = InstanceType<typeof TaskError>;
