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
//
// Then the cost is taken from the caller's budgets over time (cost-budget.ts: a token bucket per tenant and
// per API key) before execution: over budget is RATE_LIMITED with Retry-After (429 over HTTP). Every
// result carries `extensions.cost` as Shopify's does: requested, actual (counted from the data returned,
// never above requested; the difference is given back to the budgets) and the budget left (throttleStatus).
import type { Plugin } from 'graphql-yoga';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isLeafType,
  isListType,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';
import type { Context, Credential, OperationCost } from '@jiedai/schema';
import type { BucketLimits, BucketSpec, CostBudget } from '../cost-budget.ts';

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

export interface MeasuredCost {
  cost: number;
  oversized: readonly OversizedPage[];
}

/**
 * The operation's cost with these variables, and the connection pages asked larger than MAX_PAGE_SIZE; null when
 * the variables do not fit the document (execution reports that). Walks the whole document every time: see
 * cachedOperationCost for the request path.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): MeasuredCost | null {
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

// The cost without walking the document again. It depends on the schema, the document, the operation and, through
// the coerced variables, only on what the estimator and graphql-query-complexity read of them: a top-level number
// (it may be `first`/`last`), a boolean (`@include(if:)`/`@skip(if:)`), whether a value is null, every list's length
// and every object's keys (countItems; a list argument's length), recursively. A string or a number inside a list or
// an object reads as nothing. So the cache key is the operation name and that "shape" of the coerced variables;
// coercing them (cheap: only the variable definitions) also tells, on a hit as on a miss, whether they fit.
// Bounded: a document's entries live as long as the document (yoga's parse cache hands the same DocumentNode for
// the same text), at most SHAPES_PER_DOCUMENT of them, and a shape longer than MAX_SHAPE_LENGTH is not kept.
const SHAPES_PER_DOCUMENT = 32;
const MAX_SHAPE_LENGTH = 2_000;
const costs = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, LRUCache<string, MeasuredCost>>>();

function shapeOf(value: unknown, topLevel: boolean): string {
  if (value === null || value === undefined) return '_';
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return topLevel ? String(value) : 'n';
    case 'boolean':
      return value ? 't' : 'f';
    case 'object':
      break;
    default:
      return typeof value;
  }
  if (Array.isArray(value)) {
    // Runs of equal shapes are written once with their count: 12,000 ids are `[12000*s]`.
    let out = '[';
    let previous: string | undefined;
    let run = 0;
    const flush = () => {
      if (previous !== undefined) out += `${run === 1 ? '' : `${run}*`}${previous},`;
    };
    for (const item of value) {
      const shape = shapeOf(item, false);
      if (shape === previous) run++;
      else {
        flush();
        previous = shape;
        run = 1;
      }
    }
    flush();
    return `${out}]`;
  }
  let out = '{';
  for (const key of Object.keys(value)) out += `${JSON.stringify(key)}:${shapeOf((value as Record<string, unknown>)[key], false)},`;
  return `${out}}`;
}

/** The operations graphql-query-complexity counts: the named one, or every one without a name. */
function countedOperations(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode[] {
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    if (operationName === undefined || definition.name?.value === operationName) operations.push(definition);
  }
  return operations;
}

/**
 * operationCost, with the same answer, from a cache when the same document and operation came with variables of
 * the same shape before.
 */
export function cachedOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): MeasuredCost | null {
  const name = operationName ?? undefined;
  let key = `${name ?? ''}\n`;
  for (const operation of countedOperations(document, name)) {
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
    if (coerced.errors) return null;
    for (const [variable, value] of Object.entries(coerced.coerced)) key += `${JSON.stringify(variable)}:${shapeOf(value, true)},`;
    key += ';';
    if (key.length > MAX_SHAPE_LENGTH) return operationCost(schema, document, operationName, variables);
  }
  let bySchema = costs.get(document);
  if (!bySchema) costs.set(document, (bySchema = new WeakMap()));
  let shapes = bySchema.get(schema);
  if (!shapes) bySchema.set(schema, (shapes = new LRUCache({ max: SHAPES_PER_DOCUMENT })));
  const known = shapes.get(key);
  if (known) return known;
  const measured = operationCost(schema, document, operationName, variables);
  if (measured) shapes.set(key, { cost: measured.cost, oversized: Object.freeze(measured.oversized) });
  return measured;
}

export class QueryTooComplexError extends GraphQLError {
  constructor(limit: string, max: number, found: number, message: string) {
    super(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, found } });
  }
}

/** The budgets over time (token buckets) and the store that keeps them. */
export interface CostBudgets {
  store: CostBudget;
  tenant: BucketLimits;
  apiKey: BucketLimits;
}

/**
 * The buckets an operation draws on: its tenant's, and its API key's for a key; a user acting in no tenant
 * has a bucket of its own (the API key's size). Anonymous callers, survey respondents and public links
 * have none: the per-operation limit and the per-link and per-address limits hold them.
 */
export function bucketsOf(credential: Credential, budgets: CostBudgets): BucketSpec[] {
  if (credential.type === 'apiKey') {
    return [
      { key: `t:${credential.tenantId}`, ...budgets.tenant },
      { key: `k:${credential.secretHash.slice(0, 32)}`, ...budgets.apiKey },
    ];
  }
  if (credential.type === 'user') {
    return credential.tenantId ? [{ key: `t:${credential.tenantId}`, ...budgets.tenant }] : [{ key: `u:${credential.userId}`, ...budgets.apiKey }];
  }
  return [];
}

/**
 * What the data returned cost under the same model: 1 per object, lists by their real length, a mutation's
 * root fields 10 each. Cheap (one walk over the result) and never above the requested cost.
 */
export function actualCost(data: unknown, isMutation: boolean): number {
  if (data === null || typeof data !== 'object') return 0;
  let n = 0;
  for (const [, value] of Object.entries(data)) n += (isMutation ? MUTATION_COST - 1 : 0) + walk(value);
  return n;
}

function walk(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) {
    let n = 0;
    for (const item of value) n += walk(item);
    return n;
  }
  let n = 1;
  for (const key in value) n += walk((value as Record<string, unknown>)[key]);
  return n;
}

/** The refusal of an operation over its budget: RATE_LIMITED, 429 with Retry-After over HTTP. */
export function rateLimited(retryAfterMs: number, cost: number, status: OperationCost['throttleStatus']): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(
    `Over the cost budget: this operation costs ${cost}, ${status?.currentlyAvailable ?? 0} of ${status?.maximumAvailable ?? 0} points are available ` +
      `(restored at ${status?.restoreRate ?? 0}/s); retry in ${retryAfter} s.`,
    { extensions: { code: 'RATE_LIMITED', retryAfter, cost, http: { status: 429, headers: { 'retry-after': String(retryAfter) } } } },
  );
}

interface CostArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  variableValues?: Record<string, unknown> | null | undefined;
  contextValue: unknown;
}

export function useQueryCost(limits: QueryCostLimits, budgets?: CostBudgets | undefined): Plugin<Context> {
  const check = (args: CostArgs): GraphQLError | number => {
    const ctx = args.contextValue as Context;
    const max = ctx.credential.type === 'anonymous' ? limits.maxCostAnonymous : limits.maxCost;
    const measured = cachedOperationCost(args.schema, args.document, args.operationName, args.variableValues);
    // The variables do not fit the document: execution reports that, at no cost.
    if (measured === null) return 0;
    const [page] = measured.oversized;
    if (page) {
      return new GraphQLError(`${page.field}: \`${page.argument}\` is at most ${MAX_PAGE_SIZE}, got ${page.found}; page with \`after\`/\`before\`.`, {
        extensions: { code: 'BAD_USER_INPUT', field: page.field, argument: page.argument, max: MAX_PAGE_SIZE, found: page.found },
      });
    }
    if (measured.cost <= max) return measured.cost;
    return new QueryTooComplexError('cost', max, measured.cost, `Query cost limit of ${max} exceeded, found ${measured.cost}.`);
  };
  /** Checks the cost, takes it from the budgets; the refusal, or null when the operation may run. */
  const admit = async (args: CostArgs): Promise<ExecutionResult | null> => {
    const ctx = args.contextValue as Context;
    const checked = check(args);
    if (typeof checked !== 'number') return { errors: [checked] };
    const buckets = budgets ? bucketsOf(ctx.credential, budgets) : [];
    if (buckets.length === 0) {
      ctx.cost = { requestedQueryCost: checked, throttleStatus: null };
      return null;
    }
    const taken = await budgets!.store.take(buckets, checked);
    ctx.cost = { requestedQueryCost: checked, throttleStatus: taken.status };
    if (taken.allowed) return null;
    return {
      errors: [rateLimited(taken.retryAfterMs, checked, taken.status)],
      extensions: { cost: { requestedQueryCost: checked, actualQueryCost: 0, throttleStatus: taken.status } },
    };
  };
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const refusal = await admit(args);
      if (refusal) return setResultAndStopExecution(refusal);
      const ctx = args.contextValue as Context;
      return {
        async onExecuteDone({ result, setResult }) {
          const cost = ctx.cost;
          if (!cost || Symbol.asyncIterator in (result as object)) return;
          const done = result as ExecutionResult;
          const isMutation = getOperationAST(args.document, args.operationName)?.operation === 'mutation';
          const actual = Math.min(cost.requestedQueryCost, actualCost(done.data, isMutation));
          let throttleStatus = cost.throttleStatus;
          // Give back what was asked for and not returned (a page shorter than `first`, a null object).
          if (throttleStatus && budgets && actual < cost.requestedQueryCost) {
            throttleStatus = (await budgets.store.take(bucketsOf(ctx.credential, budgets), actual - cost.requestedQueryCost)).status;
          }
          setResult({
            ...done,
            extensions: { ...done.extensions, cost: { requestedQueryCost: cost.requestedQueryCost, actualQueryCost: actual, throttleStatus } },
          });
        },
      };
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      // A subscription's cost is taken once, when it starts; its events carry no cost.
      const refusal = await admit(args);
      if (refusal) setResultAndStopExecution(refusal);
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
