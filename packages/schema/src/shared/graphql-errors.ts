// GraphQL side of shared/errors.ts: the `Error` interface, ValidationError, and one object type per
// module error class with its own `code` enum.
import { builder } from '../builder.ts';
import { DomainError, ValidationError } from './errors.ts';
import { IDEMPOTENCY_ERROR_CODES, IdempotencyError } from './idempotency.ts';

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'A failure returned as data by a mutation: nothing was changed.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

const FieldError = builder.objectRef<{ path: string[]; message: string }>('FieldError').implement({
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the offending input field, e.g. ["input", "email"].' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldError], resolve: (e) => e.fieldErrors }),
  }),
});

type ErrorClass<C extends string> = abstract new (code: C, message: string) => DomainError<C>;

/** Registers a module's error class as a GraphQL object type with a `code` enum. */
export function registerDomainError<C extends string>(
  errorClass: ErrorClass<C>,
  name: string,
  codes: readonly C[],
  description: string,
) {
  const CodeEnum = builder.enumType(`${name}Code`, { values: codes as unknown as C[] });
  const ref = builder.objectRef<DomainError<C>>(name);
  builder.objectType(ref, {
    description,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof errorClass,
    fields: (t) => ({
      code: t.field({ type: CodeEnum, resolve: (e) => e.code as never }),
    }),
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
);
