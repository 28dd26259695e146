// GraphQL side of shared/errors.ts: the `Error` interface every failure returned as data implements
// (`... on Error { code message path }` works on every result union), ValidationError, Forbidden, and
// one object type per module error class, whose `code` values are that module's documented code enum.
import { builder, ForbiddenError } from '../builder.ts';
import { DomainError, ValidationError, type DomainErrorType } from './errors.ts';

/** The code of any error returned as data. */
export function errorCode(error: Error): string {
  if (error instanceof DomainError) return error.code;
  if (error instanceof ValidationError) return 'BAD_USER_INPUT';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  return (error as { code?: string }).code ?? 'ERROR';
}

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
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
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the offending input field, e.g. ["input", "email"].' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused (code BAD_USER_INPUT): one entry per offending field; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldError], resolve: (e) => e.fieldErrors }),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: 'The caller may not do this (code FORBIDDEN): a role or membership is missing; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
  fields: () => ({}),
});

const registered = new Set<unknown>();

/**
 * The GraphQL type of a module's error class (made by `domainError`): an object type implementing `Error`
 * named after the class, whose codes become the enum `<name>Code`, the documented value set of its
 * `code`. Registered once, the first time a field lists the class among its errors (mutationField does).
 */
export function registerDomainError<C extends string>(errorClass: DomainErrorType<C>): DomainErrorType<C> {
  if (registered.has(errorClass)) return errorClass;
  registered.add(errorClass);
  const name = errorClass.typeName;
  builder.enumType(`${name}Code`, {
    values: errorClass.codes as unknown as C[],
    description: `The values of \`${name}.code\`.`,
    extensions: { errorCodes: true },
  });
  const ref = builder.objectRef<DomainError<C>>(name);
  builder.objectType(ref, {
    description: `${errorClass.description} \`code\` is one of \`${name}Code\`.`,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof errorClass,
    fields: () => ({}),
  });
  // plugin-errors finds the GraphQL type of a thrown error by its class.
  builder.configStore.associateParamWithRef(errorClass as never, ref);
  return errorClass;
}

/** The error classes a field returns as data: module errors (registered on first use) and the shared ones. */
export function errorTypes<E extends (abstract new (...args: never[]) => Error)[]>(...classes: E): E {
  for (const errorClass of classes) if (isDomainErrorType(errorClass)) registerDomainError(errorClass);
  return classes;
}

function isDomainErrorType(value: unknown): value is DomainErrorType {
  return typeof value === 'function' && typeof (value as { typeName?: unknown }).typeName === 'string' && Array.isArray((value as { codes?: unknown }).codes);
}
