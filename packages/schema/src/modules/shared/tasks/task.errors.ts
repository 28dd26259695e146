import { DomainError } from '../../../shared/errors.ts';

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

export class TaskError extends DomainError<TaskErrorCode> {
  override name = 'TaskError';
}
