// The cost of an operation, computed with its variables before any database work (graphql-query-complexity
// walks the document with the coerced arguments; the estimator below is ours). graphql-armor's own cost
// rule sees only literals in the document: a list passed in a variable (`nodes(ids: $ids)` with 12,000
// ids) or `first: $n` cost it nothing. Here every list argument counts, wherever its values come from.
//
// The model (close to Shopify's and GitHub's, so a partner can predict it):
// - a scalar or enum field costs 0, an object field 1, a mutation field 10;
// - a field returning a list costs n × (1 + its selection): n is `first`/`last`, else the length of its
//   longest list argument (`nodes(ids:)`), else 20 for a connection (its default page) or 5 for a plain
//   list, unless the field declares its size (`extensions: { listSize: 3 }`, e.g. a board's three phases);
//   the `edges`/`nodes` of a connection count once (the connection multiplied them already);
// - every element of a list inside the arguments (an input's guests, answers, patients …) costs 1 more.
// Anonymous callers get a smaller budget than members and API keys. A connection's `first`/`last` above 100 is
// refused here too (BAD_USER_INPUT), instead of being silently clamped by the resolver.
import type { Plugin } from 'graphql-yoga';
import { GraphQLError, getNamedType, getNullableType, isLeafType, isListType, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import type { Context } from '@jiedai/schema';

export interface QueryCostLimits {
  /** Budget of one operation for a member or an API key. */
  maxCost: number;
  /** Budget of one operation for an anonymous caller (sign-in, survey respondents, public pages). */
  maxCostAnonymous: number;
}

export const DEFAULT_CONNECTION_SIZE = 20;
const PLAIN_LIST_SIZE = 5;
const MUTATION_COST = 10;

function countItems(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + 1 + countItems(v), 0);
  if (value !== null && typeof value === 'object') {
    let n = 0;
    for (const v of Object.values(value)) n += countItems(v);
    return n;
  }
  return 0;
}

/** A connection page asked larger than MAX_PAGE_SIZE (refused, never clamped). */
export interface OversizedPage {
  field: string;
  argument: 'first' | 'last';
  found: number;
}

export const MAX_PAGE_SIZE = 100;

function estimate({ type, field, args, childComplexity }: ComplexityEstimatorArgs, oversized: OversizedPage[]): number {
  const returns = getNullableType(field.type);
  const named = getNamedType(returns);
  const leaf = isLeafType(named);
  const base = type.name === 'Mutation' ? MUTATION_COST : leaf ? 0 : 1;
  const inputItems = countItems(args);
  const isConnection = !leaf && named.name.endsWith('Connection');
  for (const argument of ['first', 'last'] as const) {
    const value = args[argument];
    if (isConnection && typeof value === 'number' && value > MAX_PAGE_SIZE) oversized.push({ field: `${type.name}.${field.name}`, argument, found: value });
  }
  if (!isListType(returns) && !isConnection) return base + childComplexity + inputItems;
  let n: number | undefined;
  if (typeof args.first === 'number') n = args.first;
  else if (typeof args.last === 'number') n = args.last;
  let longest = 0;
  for (const value of Object.values(args)) if (Array.isArray(value)) longest = Math.max(longest, value.length);
  if (n === undefined && longest > 0) n = longest;
  const declared = (field.extensions as { listSize?: unknown } | undefined)?.listSize;
  if (n === undefined && typeof declared === 'number') n = declared;
  if (n === undefined) {
    const insideConnection = type.name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes');
    n = insideConnection ? 1 : isConnection ? DEFAULT_CONNECTION_SIZE : PLAIN_LIST_SIZE;
  }
  // A list that set n is not counted again as input.
  return Math.max(n, 0) * (base + childComplexity) + inputItems - (n === longest ? longest : 0);
}

/**
 * The operation's cost with these variables, and the connection pages asked larger than MAX_PAGE_SIZE; null when
 * the variables do not fit the document (execution reports that).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): { cost: number; oversized: OversizedPage[] } | null {
  const oversized: OversizedPage[] = [];
  try {
    const cost = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [(options) => estimate(options, oversized)],
    });
    return { cost, oversized };
  } catch {
    return null;
  }
}

export class QueryTooComplexError extends GraphQLError {
  constructor(limit: string, max: number, found: number, message: string) {
    super(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, found } });
  }
}

export function useQueryCost(limits: QueryCostLimits): Plugin<Context> {
  const check = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null | undefined;
    variableValues?: Record<string, unknown> | null | undefined;
    contextValue: unknown;
  }): GraphQLError | null => {
    const ctx = args.contextValue as Context;
    const max = ctx.credential.type === 'anonymous' ? limits.maxCostAnonymous : limits.maxCost;
    const measured = operationCost(args.schema, args.document, args.operationName, args.variableValues);
    if (measured === null) return null;
    const [page] = measured.oversized;
    if (page) {
      return new GraphQLError(`${page.field}: \`${page.argument}\` is at most ${MAX_PAGE_SIZE}, got ${page.found}; page with \`after\`/\`before\`.`, {
        extensions: { code: 'BAD_USER_INPUT', field: page.field, argument: page.argument, max: MAX_PAGE_SIZE, found: page.found },
      });
    }
    if (measured.cost <= max) return null;
    return new QueryTooComplexError('cost', max, measured.cost, `Query cost limit of ${max} exceeded, found ${measured.cost}.`);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/**
 * graphql-armor's rejections (depth, aliases, directives, tokens) as QUERY_TOO_COMPLEX with the limit and the
 * measured value: armor builds a plain GraphQLError with the numbers in its message; this adds the code.
 */
export function armorRejection(limit: string) {
  return (_ctx: unknown, error: GraphQLError) => {
    const numbers = /limit of (\d+) exceeded, found (\d+)/i.exec(error.message);
    Object.assign(error.extensions as Record<string, unknown>, {
      code: 'QUERY_TOO_COMPLEX',
      limit,
      ...(numbers ? { max: Number(numbers[1]), found: Number(numbers[2]) } : {}),
    });
  };
}
