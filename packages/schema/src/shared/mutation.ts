// Every mutation field runs its service atomically: when the service fails (a typed error returned
// as data, or anything else), everything it wrote is rolled back and the events it queued are
// dropped. An operation of several mutation fields runs each in a savepoint, so the transaction stays
// usable for the next one; an operation of one mutation field (the usual case) needs no savepoint: its
// failure marks the operation's transaction for rollback (the gateway's tenant-transaction plugin).
import type { GraphQLResolveInfo } from 'graphql';
import type { InputFieldMap, InputShapeFromFields, ObjectRef } from '@pothos/core';
import type { FieldAuthScopes } from '@pothos/plugin-scope-auth';
import { builder, type BuilderTypes as Types, type SubGraph } from '../builder.ts';
import { serviceDeps, type Context, type ServiceDeps } from '../context.ts';
import { DomainError, ValidationError } from './errors.ts';
import { errorTypes } from './graphql-errors.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotent, idempotentCreate, idempotentOnce, keyed } from './idempotency.ts';

// One constant name (PostgreSQL allows nesting savepoints of the same name: RELEASE and ROLLBACK TO
// take the innermost), so the statement texts stay few and can be prepared once.
const name = 'jiedai_mutation';

export async function atomically<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  const queued = ctx.pendingEvents.length;
  const events = ctx.eventQueue.length;
  const drop = () => {
    ctx.pendingEvents.length = queued;
    ctx.eventQueue.length = events;
  };
  // Only the operation's outermost, first atomic step may go without a savepoint; any other is nested.
  if (ctx.operation?.takeSole()) {
    try {
      return await fn();
    } catch (error) {
      ctx.operation.markRollbackOnly();
      drop();
      throw error;
    }
  }
  await ctx.db.$executeRawUnsafe(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await ctx.db.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await ctx.db.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    drop();
    throw error;
  }
}

// ── one shape for every mutation ──────────────────────────────────────────────────────────────────
// `mutationField` declares a mutation the one way a partner can rely on: exactly one argument,
// `input: <Name>Input!`; a result union `<Name>Result` of the payload, the module's error types,
// ValidationError (and IdempotencyError when it takes an idempotency key) and ForbiddenError (the
// builder's default); the service run `atomically` with typed service deps; a ValidationError's paths
// (and a module error's `path`), which services report relative to their own input, prefixed with
// "input" so they are paths from the argument.

/** The field builder of an input object: typed input helpers take it instead of `t: any`. */
export type InputFields = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;
type ErrorClass = abstract new (...args: never[]) => Error;

/** How a mutation with an idempotency key answers a retry with that key. */
export type Idempotency<Payload> =
  /** The payload (ids only, JSON) is stored with the key and returned again. */
  | 'replay'
  /** The record's id is stored with the key; a retry loads the payload again. */
  | { reload: { id: (payload: Payload) => string; load: (deps: ServiceDeps, id: string) => Promise<Payload> } }
  /**
   * The payload holds a secret shown once (an API key, respondent links): a retry creates nothing and is
   * refused with ALREADY_APPLIED, naming what the first request created (a `typename` global id).
   */
  | { once: { id: (payload: Payload) => string; typename: string } };

export interface MutationSpec<Fields extends InputFieldMap, Payload> {
  /** The field's name; its input type is `<Name>Input`, its result union `<Name>Result`. */
  name: string;
  description?: string;
  /** The schemas it is in (sub-graphs are opt-in): its input, and its module errors, are there too. */
  subGraphs: SubGraph[];
  authScopes?: FieldAuthScopes<Types, object, { input: Record<string, unknown> }>;
  /** The module's error classes (made by `domainError`) or other error types returned as data. */
  errors: ErrorClass[];
  /** The fields of `<Name>Input` (without `idempotencyKey`, which `idempotency` adds). */
  input: (t: InputFields) => Fields;
  payload: ObjectRef<Types, Payload>;
  idempotency?: Idempotency<Payload>;
  /** Runs atomically: the service call(s), given the input without its idempotency key. */
  /** `info`: the field's resolve info (e.g. `info.schema`, the schema of the caller's kind). */
  run: (deps: ServiceDeps, input: InputShapeFromFields<Fields>, ctx: Context, info: GraphQLResolveInfo) => Promise<Payload>;
}

const capitalized = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

export function mutationField<Fields extends InputFieldMap, Payload>(spec: MutationSpec<Fields, Payload>): void {
  const Name = capitalized(spec.name);
  const idempotency = spec.idempotency;
  const Input = builder.inputType(`${Name}Input`, {
    subGraphs: spec.subGraphs,
    description: `The input of \`${spec.name}\`.`,
    fields: (t) => ({
      ...spec.input(t),
      ...(idempotency ? { idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) } : {}),
    }),
  });
  const errors = errorTypes(spec.subGraphs, ...spec.errors, ValidationError, ...(idempotency ? [IdempotencyError] : []));

  const run = async (ctx: Context, args: Record<string, unknown>, info: GraphQLResolveInfo): Promise<Payload> => {
    const { idempotencyKey, ...input } = args as { idempotencyKey?: string | null };
    const deps = serviceDeps(ctx);
    const go = () => spec.run(deps, input as InputShapeFromFields<Fields>, ctx, info);
    if (!idempotency || !idempotencyKey) return go();
    const operation = keyed(spec.name, input);
    if (idempotency === 'replay') return (await idempotent(deps, idempotencyKey, operation, go as never)) as Payload;
    if ('reload' in idempotency) {
      const { id, load } = idempotency.reload;
      const created = await idempotentCreate(
        deps,
        idempotencyKey,
        operation,
        async () => {
          const payload = await go();
          return { id: id(payload), payload };
        },
        async (recordId) => ({ id: recordId, payload: await load(deps, recordId) }),
      );
      return created.payload;
    }
    return idempotentOnce(deps, idempotencyKey, operation, go, idempotency.once.id, idempotency.once.typename);
  };

  builder.mutationField(spec.name, (t) =>
    t.field({
      type: spec.payload,
      subGraphs: spec.subGraphs,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.authScopes ? { authScopes: spec.authScopes } : {}),
      args: { input: t.arg({ type: Input, required: true }) },
      errors: { types: errors, directResult: true, union: { name: `${Name}Result` } },
      resolve: (_root: unknown, args: { input: Record<string, unknown> }, ctx: Context, info: GraphQLResolveInfo) =>
        atomically(ctx, async () => {
          try {
            return await run(ctx, args.input, info);
          } catch (error) {
            throw fromTheArgument(error);
          }
        }),
      // The spec is typed (input shape, payload, service deps); Pothos cannot follow the generic field here.
    } as never),
  );
}

/** Paths reported by services (relative to their input) as paths from the argument `input`. */
function fromTheArgument(error: unknown): unknown {
  if (error instanceof ValidationError) return error.under('input');
  if (error instanceof DomainError) {
    const path = (error as { path?: unknown }).path;
    if (Array.isArray(path) && path.length > 0) Object.defineProperty(error, 'path', { value: ['input', ...path] });
  }
  return error;
}
