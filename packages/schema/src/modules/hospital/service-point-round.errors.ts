import { domainError } from '../../shared/errors.ts';

export const HOSPITAL_ROUTINE_ERROR_CODES = ['NAME_TAKEN', 'NOT_FOUND', 'INVALID_REFERENCE', 'WRONG_TEMPLATE'] as const;
export const HospitalRoutineError = domainError(
  'HospitalRoutineError',
  HOSPITAL_ROUTINE_ERROR_CODES,
  "A change to the hospital's daily routine (round templates, rounds, peak windows, department standards) was refused; nothing was changed.",
  { 'zh-Hans': { WRONG_TEMPLATE: '该模板不适用于此处。' }, en: { WRONG_TEMPLATE: 'This template does not fit here.' } },
);
export type HospitalRoutineError = InstanceType<typeof HospitalRoutineError>;
