// GraphQL side of shared/errors.ts: the `Error` interface every failure returned as data implements
// (`... on Error { code message path }` works on every result union), ValidationError, Forbidden, and
// one object type per module error class, whose `code` values are that module's documented code enum.
import { builder, ForbiddenError, SUB_GRAPHS, TENANT_GRAPHS, type SubGraph } from '../builder.ts';
import { DomainError, ValidationError } from './errors.ts';
import { IDEMPOTENCY_ERROR_CODES, IdempotencyError } from './idempotency.ts';

/** The code of any error returned as data. */
export function errorCode(error: Error): string {
  if (error instanceof DomainError) return error.code;
  if (error instanceof ValidationError) return 'BAD_USER_INPUT';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  return (error as { code?: string }).code ?? 'ERROR';
}

// The error types of every module are in every schema that reaches them: core ones in all (the
// public schema included), a module's own in the graphs of that module.
export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  subGraphs: [...SUB_GRAPHS],
  description:
    'A failure returned as data by a mutation: nothing was changed. Every result union has members implementing it, so `... on Error { code message }` handles any of them.',
  fields: (t) => ({
    code: t.string({
      description:
        'Stable and machine-readable. A module error (`VisitError`, `TaskError`, …) has one of the values of its `…Code` enum (`VisitErrorCode`, `TaskErrorCode`, …); a `ValidationError` has BAD_USER_INPUT, a `ForbiddenError` FORBIDDEN, a `SurveyAnswersError` INVALID_ANSWERS.',
      resolve: errorCode,
    }),
    message: t.exposeString('message', { description: 'For people; may change, never parse it.' }),
    path: t.stringList({
      nullable: true,
      description: 'The input field at fault, when there is one, e.g. ["input", "email"] (for a ValidationError, its first field error).',
      resolve: (error) => (error instanceof ValidationError ? (error.fieldErrors[0]?.path ?? null) : ((error as { path?: string[] }).path ?? null)),
    }),
  }),
});

const FieldError = builder.objectRef<{ path: string[]; message: string }>('FieldError').implement({
  subGraphs: [...SUB_GRAPHS],
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the offending input field, e.g. ["input", "email"].' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  subGraphs: [...SUB_GRAPHS],
  description: 'The input was refused (code BAD_USER_INPUT): one entry per offending field; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldError], resolve: (e) => e.fieldErrors }),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  subGraphs: [...SUB_GRAPHS],
  description: 'The caller may not do this (code FORBIDDEN): a role or membership is missing; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
  fields: () => ({}),
});

type ErrorClass<C extends string> = abstract new (code: C, message: string) => DomainError<C>;

/**
 * Registers a module's error class as a GraphQL object type implementing `Error`, in the given
 * schemas; its codes become the enum `<name>Code`, the documented value set of its `code`, in the
 * same schemas.
 */
export function registerDomainError<C extends string>(
  errorClass: ErrorClass<C>,
  name: string,
  codes: readonly C[],
  description: string,
  subGraphs: readonly SubGraph[],
) {
  builder.enumType(`${name}Code`, {
    values: codes as unknown as C[],
    subGraphs: [...subGraphs],
    description: `The values of \`${name}.code\`.`,
    extensions: { errorCodes: true },
  });
  const ref = builder.objectRef<DomainError<C>>(name);
  builder.objectType(ref, {
    subGraphs: [...subGraphs],
    description: `${description} \`code\` is one of \`${name}Code\`.`,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof errorClass,
    fields: () => ({}),
  });
  // plugin-errors finds the GraphQL type of a thrown error by its class.
  builder.configStore.associateParamWithRef(errorClass as never, ref);
  return errorClass;
}

registerDomainError(
  IdempotencyError,
  'IdempotencyError',
  IDEMPOTENCY_ERROR_CODES,
  'A retry with an idempotency key that cannot be answered with the first result; nothing was changed.',
  TENANT_GRAPHS,
);
