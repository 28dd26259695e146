// Errors that services throw and GraphQL returns as data (mutation result unions). Services know no
// GraphQL: each module declares its codes and an error class here-shaped; its GraphQL file registers
// the type with `registerDomainError`. Anything else thrown stays a masked top-level error.
import { z } from 'zod';

export abstract class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

export interface FieldIssue {
  path: string[];
  message: string;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly fieldErrors: FieldIssue[]) {
    super(fieldErrors.map((e) => `${e.path.join('.') || 'input'}: ${e.message}`).join('; '));
  }
}

/** Parses input with a zod schema; bad input becomes a ValidationError listing every field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
  );
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
