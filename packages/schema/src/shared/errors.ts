// Errors that services throw and GraphQL returns as data (mutation result unions). Services know no
// GraphQL: each module makes its one error class with `domainError(name, codes, description)`, which
// carries what the GraphQL side needs (the type `<name>` and the enum `<name>Code`); the GraphQL type is
// registered the first time a field names the class (shared/graphql-errors.ts). Anything else thrown
// stays a masked top-level error.
import type { z } from 'zod';
import { errorText, type ErrorMessages, type Language } from './i18n.ts';

export abstract class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

/** What `domainError` attaches to its class: enough for the GraphQL side to register its type. */
export interface DomainErrorType<Code extends string = string> {
  /** The GraphQL object type's name; its codes become the enum `<typeName>Code`. */
  readonly typeName: string;
  readonly codes: readonly Code[];
  readonly description: string;
  /** The text of each code in each language (shared/i18n.ts); the thrown message is the English detail. */
  readonly messages: Record<Language, Partial<Record<string, string>>>;
  new (code: Code, message?: string): DomainError<Code>;
}

/**
 * A module's error class, from one statement: `export const TaskError = domainError('TaskError', TASK_ERROR_CODES, '…',
 * { 'zh-Hans': {…}, en: {…} })` (and `export type TaskError = InstanceType<typeof TaskError>`). It is the class
 * services throw and the GraphQL type its mutations list in their results (registered on first use, see
 * graphql-errors.ts). `messages` gives each code's text in both languages (codes shared by many modules, such as
 * NOT_FOUND, have theirs in shared/i18n.ts): a code without one fails typecheck. A service throws
 * `new TaskError(code, englishDetail?)`; English readers get the detail, Chinese readers the code's text.
 * A module that needs more on its error extends the class.
 */
export function domainError<const Code extends string>(typeName: string, codes: readonly Code[], description: string, messages: ErrorMessages<Code>) {
  const errorClass = class extends DomainError<Code> {
    static readonly typeName = typeName;
    static readonly codes = codes;
    static readonly description = description;
    static readonly messages: Record<Language, Partial<Record<string, string>>> = messages;
    override name = typeName;
    constructor(code: Code, message?: string) {
      super(code, message ?? errorText(messages, 'en', code) ?? code);
    }
  };
  Object.defineProperty(errorClass, 'name', { value: typeName });
  return errorClass satisfies DomainErrorType<Code>;
}

export interface FieldIssue {
  path: string[];
  message: string;
  /** zod's issue code (too_small, invalid_format …), when zod found it: the message in other languages. */
  issueCode?: string;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly fieldErrors: FieldIssue[]) {
    super(fieldErrors.map((e) => `${e.path.join('.') || 'input'}: ${e.message}`).join('; '));
  }

  /**
   * The same errors with `prefix` before every path: services report paths relative to their own input
   * (`["email"]`), the GraphQL layer as paths from the argument (`["input", "email"]`).
   */
  under(...prefix: string[]): ValidationError {
    return new ValidationError(this.fieldErrors.map((e) => ({ ...e, path: [...prefix, ...e.path] })));
  }
}

/** Parses input with a zod schema; bad input becomes a ValidationError listing every field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message, issueCode: issue.code })));
}

/** Prisma's unique-violation error, without importing Prisma's runtime here. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/** Prisma's foreign-key violation (a reference to a row that does not exist in this tenant). */
export function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2003';
}

/**
 * The SQLSTATE of a PostgreSQL error raised inside a Prisma call (e.g. by a trigger with its own code),
 * from the driver adapter's error that Prisma keeps in `meta`.
 */
export function databaseErrorCode(error: unknown): string | null {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta?.driverAdapterError?.cause;
  return typeof cause?.originalCode === 'string' ? cause.originalCode : null;
}
