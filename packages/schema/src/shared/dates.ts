// Dates accepted from callers: strictly parsed (no 2031-02-30 rolled over into March) and within the
// supported range, years 1900–9999 (PostgreSQL has no year 0, and nothing here happens before 1900).
import { z } from 'zod';
import { DateTimeResolver } from 'graphql-scalars';
import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';

export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;
const RANGE = `years ${MIN_YEAR}–${MAX_YEAR}`;

const inRange = (year: number) => year >= MIN_YEAR && year <= MAX_YEAR;

/** A calendar date YYYY-MM-DD that exists (zod's ISO date: days per month, leap years), in range. */
export const isoDate = z.iso.date({ error: 'a date YYYY-MM-DD that exists' }).refine((d) => inRange(Number(d.slice(0, 4))), `a date in ${RANGE}`);

/** A month YYYY-MM, in range. */
export const isoMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
  .refine((m) => inRange(Number(m.slice(0, 4))), `a month in ${RANGE}`);

/** A date-only string given to a query (not a mutation): refused as BAD_USER_INPUT naming the argument. */
export function parseDateArg(value: string | null | undefined, name: string): string | null {
  if (value === null || value === undefined) return null;
  const result = isoDate.safeParse(value);
  if (!result.success) {
    throw new GraphQLError(`${name}: ${result.error.issues[0]?.message ?? 'not a date'}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return result.data;
}

/** graphql-scalars throws errors without a code: the caller's mistake, so BAD_USER_INPUT. */
function typed(parse: () => Date): Date {
  try {
    return parse();
  } catch (error) {
    throw new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

function checkRange(date: Date): Date {
  const year = date.getUTCFullYear();
  if (!inRange(year)) {
    throw new GraphQLError(`DateTime must be within ${RANGE} (UTC), got year ${year}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}

/** graphql-scalars' DateTime (strict RFC 3339: 2031-02-30 is refused), limited to the supported years. */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description:
    `A date-time string at UTC or with an offset, such as 2007-12-03T10:15:30Z, compliant with the date-time format ` +
    `of RFC 3339. Impossible dates (2031-02-30) are refused; supported: ${RANGE} (UTC).`,
  parseValue: (value: unknown) => checkRange(typed(() => DateTimeResolver.parseValue(value) as Date)),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => checkRange(typed(() => DateTimeResolver.parseLiteral(ast, variables) as Date)),
});
