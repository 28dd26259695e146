// GraphQL side of shared/errors.ts: the `Error` interface every failure returned as data implements
// (`... on Error { code message path }` works on every result union), ValidationError, Forbidden, and
// one object type per module error class, whose `code` values are that module's documented code enum.
import { builder, ForbiddenError, SUB_GRAPHS, type SubGraph } from '../builder.ts';
import { requestLanguage, type Context } from '../context.ts';
import { DomainError, ValidationError, type DomainErrorType, type FieldIssue } from './errors.ts';
import { errorText, FIELD_ISSUE_MESSAGES, format, joinList, SHARED_ERROR_MESSAGES, type Language } from './i18n.ts';

/**
 * The message of an error returned as data, in a language: in English the service's own sentence (the most
 * specific), in zh-Hans the text of its code from the module's catalogue (shared/i18n.ts). The code is the same.
 */
export function localizedMessage(error: Error, language: Language): string {
  if (language === 'en') return error.message;
  if (error instanceof DomainError) {
    const messages = (error.constructor as Partial<DomainErrorType>).messages;
    return (messages && errorText(messages, language, error.code)) ?? error.message;
  }
  if (error instanceof ValidationError) {
    const fields = error.fieldErrors.map((e) => `${e.path.join('.') || 'input'}: ${fieldIssueMessage(e, language)}`);
    return format(SHARED_ERROR_MESSAGES[language].BAD_USER_INPUT, { fields: joinList(language, fields) });
  }
  if (error instanceof ForbiddenError) return SHARED_ERROR_MESSAGES[language].FORBIDDEN;
  return error.message;
}

/** A field's problem in a language: zod's issue code's text, else (a message written by a service) as it was. */
export function fieldIssueMessage(issue: FieldIssue, language: Language): string {
  if (language === 'en' || !issue.issueCode) return issue.message;
  return (FIELD_ISSUE_MESSAGES[language] as Record<string, string>)[issue.issueCode] ?? issue.message;
}

/** The code of any error returned as data. */
export function errorCode(error: Error): string {
  if (error instanceof DomainError) return error.code;
  if (error instanceof ValidationError) return 'BAD_USER_INPUT';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  return (error as { code?: string }).code ?? 'ERROR';
}

// The shared error types are in every schema (the public one included); a module's own error type is in
// the schemas of the fields that return it (registerDomainError).
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
    message: t.string({
      description: 'For people, in the request\'s language (zh-Hans or en, see the README\'s "Languages"); may change, never parse it.',
      resolve: (error, _args, ctx: Context) => localizedMessage(error, requestLanguage(ctx)),
    }),
    path: t.stringList({
      nullable: true,
      description: 'The input field at fault, when there is one, e.g. ["input", "email"] (for a ValidationError, its first field error).',
      resolve: (error) => (error instanceof ValidationError ? (error.fieldErrors[0]?.path ?? null) : ((error as { path?: string[] }).path ?? null)),
    }),
  }),
});

const FieldError = builder.objectRef<FieldIssue>('FieldError').implement({
  subGraphs: [...SUB_GRAPHS],
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the offending input field, e.g. ["input", "email"].' }),
    message: t.string({
      description: "For people, in the request's language.",
      resolve: (issue, _args, ctx: Context) => fieldIssueMessage(issue, requestLanguage(ctx)),
    }),
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

/** The schemas each registered error type is in: the union of those of the fields that list it. */
const graphsOf = new Map<unknown, SubGraph[]>();

/**
 * The GraphQL type of a module's error class (made by `domainError`): an object type implementing `Error`
 * named after the class, whose codes become the enum `<name>Code`, the documented value set of its
 * `code`. Registered the first time a field lists the class among its errors (mutationField does), in
 * that field's schemas; a later field in other schemas adds them (sub-graphs are opt-in: the type and
 * its code enum are exactly in the schemas that can return it). Pothos reads a type's `subGraphs` when
 * the schemas are built, after every module has declared its fields, so the list may grow until then.
 */
export function registerDomainError<C extends string>(errorClass: DomainErrorType<C>, subGraphs: readonly SubGraph[]): DomainErrorType<C> {
  const known = graphsOf.get(errorClass);
  if (known) {
    for (const graph of subGraphs) if (!known.includes(graph)) known.push(graph);
    return errorClass;
  }
  const graphs = [...subGraphs];
  graphsOf.set(errorClass, graphs);
  const name = errorClass.typeName;
  builder.enumType(`${name}Code`, {
    values: errorClass.codes as unknown as C[],
    subGraphs: graphs,
    description: `The values of \`${name}.code\`.`,
    extensions: { errorCodes: true },
  });
  const ref = builder.objectRef<DomainError<C>>(name);
  builder.objectType(ref, {
    subGraphs: graphs,
    description: `${errorClass.description} \`code\` is one of \`${name}Code\`.`,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof errorClass,
    fields: () => ({}),
  });
  // plugin-errors finds the GraphQL type of a thrown error by its class.
  builder.configStore.associateParamWithRef(errorClass as never, ref);
  return errorClass;
}

/** The error classes a field in `subGraphs` returns as data: module errors (registered there) and the shared ones. */
export function errorTypes<E extends (abstract new (...args: never[]) => Error)[]>(subGraphs: readonly SubGraph[], ...classes: E): E {
  for (const errorClass of classes) if (isDomainErrorType(errorClass)) registerDomainError(errorClass, subGraphs);
  return classes;
}

function isDomainErrorType(value: unknown): value is DomainErrorType {
  return typeof value === 'function' && typeof (value as { typeName?: unknown }).typeName === 'string' && Array.isArray((value as { codes?: unknown }).codes);
}
