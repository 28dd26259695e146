import { DomainError, domainError } from '../../../shared/errors.ts';

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
] as const;
export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number];

export const TaskError = domainError('TaskError', TASK_ERROR_CODES, 'A task or checklist change was refused; nothing was changed.');
export type TaskError = InstanceType<typeof TaskError>;
