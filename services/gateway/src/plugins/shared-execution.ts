// A live event is executed once per process for every subscription that would get the same result,
// not once per subscriber. graphql's subscribe maps each event of a subscription's source stream through
// `execute` with the event as root value; here that mapping goes through a cache held by the event object
// itself (a WeakMap: the tenant's feed hands every subscriber of the process the same object, see
// packages/schema core/events/event-feed.ts), keyed by what may change the result:
//   - the schema (the tenant's kind), the document, the operation and the variables — except a variable
//     used only as the root field's `after` (where a stream resumes, not what an event resolves to);
//   - the tenant, the kind of credential, the roles and platform-admin flag (scope-auth and RLS decide by
//     them), the language of the messages and the request's origin (links);
//   - the person (user or API key) too when the selection reaches a `User`: what a user shows depends on
//     who asks (their own pending invitations).
// The first subscriber of a group executes, in its own context; the others get the same result object
// (nothing downstream mutates results: yoga's hooks replace them). Events that are not objects, and items
// made per subscriber (a stream's end, a readiness board's gate), are executed per subscriber as before.
import {
  createSourceEventStream,
  execute,
  getNamedType,
  getOperationAST,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestLanguage, type Context } from '@jiedai/schema';

const schemaIds = new WeakMap<GraphQLSchema, number>();
let nextSchemaId = 1;
/** Per document and schema: its text, the variables that matter, and whether it reaches a User. */
const documentFacts = new WeakMap<DocumentNode, Map<GraphQLSchema, DocumentFacts>>();
/** Per event object: its results by sharing key. */
const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

interface DocumentFacts {
  text: string;
  /** Variables used anywhere but as the root field's `after` argument. */
  variables: string[];
  reachesUser: boolean;
}

let executions = 0;
let shared = 0;
/** Executions of live events and results shared instead (for tests and the benchmark). */
export const sharedExecutionStats = () => ({ executions, shared });

function factsOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): DocumentFacts {
  let bySchema = documentFacts.get(document);
  if (!bySchema) documentFacts.set(document, (bySchema = new Map()));
  const cacheKey = schema;
  const known = bySchema.get(cacheKey);
  if (known) return known;
  const operation = getOperationAST(document, operationName);
  const rootFields = new Set(operation?.selectionSet.selections.filter((s) => s.kind === Kind.FIELD) ?? []);
  const variables = new Set<string>();
  let reachesUser = false;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (getNamedType(typeInfo.getType())?.name === 'User') reachesUser = true;
        if (rootFields.has(node)) {
          for (const arg of node.arguments ?? []) {
            if (arg.name.value === 'after') continue;
            visit(arg.value, { Variable: (v) => void variables.add(v.name.value) });
          }
          for (const directive of node.directives ?? []) visit(directive, { Variable: (v) => void variables.add(v.name.value) });
          // The root field's selection is visited on (its variables below).
          return undefined;
        }
        for (const arg of node.arguments ?? []) visit(arg.value, { Variable: (v) => void variables.add(v.name.value) });
        for (const directive of node.directives ?? []) visit(directive, { Variable: (v) => void variables.add(v.name.value) });
        return undefined;
      },
      // Variables in fragment spreads' and inline fragments' directives.
      FragmentSpread(node) {
        for (const directive of node.directives ?? []) visit(directive, { Variable: (v) => void variables.add(v.name.value) });
      },
      InlineFragment(node) {
        for (const directive of node.directives ?? []) visit(directive, { Variable: (v) => void variables.add(v.name.value) });
      },
    }),
  );
  const facts = { text: document.loc?.source.body ?? JSON.stringify(document), variables: [...variables].sort(), reachesUser };
  bySchema.set(cacheKey, facts);
  return facts;
}

/** What the result of one event may depend on for this subscription (see the top of this file). */
export function sharingKey(args: ExecutionArgs): string {
  const ctx = args.contextValue as Context;
  let schemaId = schemaIds.get(args.schema);
  if (!schemaId) schemaIds.set(args.schema, (schemaId = nextSchemaId++));
  const facts = factsOf(args.schema, args.document, args.operationName);
  const vars = args.variableValues ?? {};
  const access = ctx.access;
  return JSON.stringify([
    schemaId,
    facts.text,
    args.operationName ?? null,
    facts.variables.map((name) => [name, vars[name] ?? null]),
    access.tenantId,
    ctx.credential.type,
    access.isPlatformAdmin,
    [...access.roles].sort(),
    requestLanguage(ctx),
    ctx.origin ?? null,
    facts.reachesUser ? [access.userId, access.apiKeyId] : null,
  ]);
}

/** Maps an async iterator (as graphql's own mapAsyncIterator: return() and throw() reach the source at once). */
function mapAsync<T, U>(iterable: AsyncIterable<T>, fn: (value: T) => Promise<U>): AsyncGenerator<U> {
  const iterator = iterable[Symbol.asyncIterator]();
  const mapResult = async (result: IteratorResult<T>): Promise<IteratorResult<U>> => {
    if (result.done) return result as IteratorResult<U>;
    try {
      return { value: await fn(result.value), done: false };
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
  };
  const mapped: AsyncGenerator<U> = {
    next: () => iterator.next().then(mapResult),
    return: () => (iterator.return ? iterator.return().then(mapResult) : Promise.resolve({ value: undefined, done: true })),
    throw: (error: unknown) => (iterator.throw ? iterator.throw(error).then(mapResult) : Promise.reject(error)),
    [Symbol.asyncIterator]: () => mapped,
    [Symbol.asyncDispose]: async () => void (await mapped.return(undefined)),
  } as AsyncGenerator<U>;
  return mapped;
}

async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in (stream as object))) return stream as ExecutionResult;
  const key = sharingKey(args);
  return mapAsync(stream as AsyncIterable<unknown>, (payload) => {
    if (payload === null || typeof payload !== 'object') {
      executions++;
      return Promise.resolve(execute({ ...args, rootValue: payload }));
    }
    let byKey = results.get(payload);
    if (!byKey) results.set(payload, (byKey = new Map()));
    let result = byKey.get(key);
    if (result) shared++;
    else {
      executions++;
      result = Promise.resolve(execute({ ...args, rootValue: payload }));
      byKey.set(key, result);
    }
    return result;
  });
}

export function useSharedExecution(): Plugin<Context> {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(sharedSubscribe as never);
    },
  };
}
