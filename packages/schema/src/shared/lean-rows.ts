// Lean rows: the hot model types (Visit, Task) are in Pothos' select mode (`select: { id: true }` on the
// type), so the query an operation plans loads only the columns its fields select (a field names its
// columns: `t.exposeX` its own, `t.field({ select: { status: true, dueAt: true }, … })` what it reads;
// TypeScript refuses a resolver that reads a column it did not select). By id, that is 4 columns of 22
// instead of all; on a board, 5 per task in the JSON aggregate instead of 22.
//
// Select mode alone would reload every row that did not come from a planned query (a mutation's payload,
// a board built by a service, a task of a live event) by id, once per field, as Pothos cannot tell that
// such a row already holds its columns. These two plugins make a scalar field read such a row as it is:
// the inner one (after the Prisma plugin) remembers each field's resolver before the Prisma plugin
// wraps it, the outer one (before it) calls that resolver directly when every column the field selects
// is on the row (not `undefined`), and the Prisma plugin's otherwise (its planned mapping, or a load of
// the missing columns). Relation fields and fields with computed selections keep the Prisma plugin's
// way. Proven by `lean-rows.test.ts` (statements and columns per operation, every field of the lean
// types through queries, mutation payloads and live events).
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { getDatamodel } from '../generated/pothos-types.ts';

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types['Context'], object>;

/** Each field's resolver as it was before the Prisma plugin wrapped it (keyed by the field's config). */
const unwrapped = new WeakMap<object, Resolver<SchemaTypes>>();

/** Scalar and enum columns of each model (relations excluded). */
const scalarColumns = new Map<string, Set<string>>(
  Object.entries(getDatamodel().datamodel.models).map(([model, { fields }]) => [
    model,
    new Set(fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum').map((f) => f.name)),
  ]),
);

/** The columns a field's static selection names, when they are all plain columns of its model; else null. */
export function plainColumns(model: string | undefined, select: unknown): string[] | null {
  const columns = model ? scalarColumns.get(model) : undefined;
  if (!columns || !select || typeof select !== 'object') return null;
  const names = Object.keys(select);
  if (names.length === 0) return null;
  for (const name of names) if ((select as Record<string, unknown>)[name] !== true || !columns.has(name)) return null;
  return names;
}

export class LeanRowsInnerPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    if (fieldConfig.kind === 'PrismaObject') unwrapped.set(fieldConfig, resolver as Resolver<SchemaTypes>);
    return resolver;
  }
}

export class LeanRowsOuterPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    if (fieldConfig.kind !== 'PrismaObject') return resolver;
    const direct = unwrapped.get(fieldConfig) as Resolver<Types> | undefined;
    unwrapped.delete(fieldConfig);
    const extensions = fieldConfig.extensions as { pothosPrismaSelect?: unknown } | undefined;
    const parentType = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const model = (parentType.extensions as { pothosPrismaModel?: string } | undefined)?.pothosPrismaModel;
    const columns = plainColumns(model, extensions?.pothosPrismaSelect);
    if (!direct || !columns) return resolver;
    if (columns.length === 1) {
      const [column] = columns as [string];
      return (parent, args, ctx, info) =>
        (parent as Record<string, unknown>)[column] === undefined ? resolver(parent, args, ctx, info) : direct(parent, args, ctx, info);
    }
    return (parent, args, ctx, info) => {
      for (const column of columns) if ((parent as Record<string, unknown>)[column] === undefined) return resolver(parent, args, ctx, info);
      return direct(parent, args, ctx, info);
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      leanRowsInner: LeanRowsInnerPlugin<Types>;
      leanRowsOuter: LeanRowsOuterPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('leanRowsInner', LeanRowsInnerPlugin);
SchemaBuilder.registerPlugin('leanRowsOuter', LeanRowsOuterPlugin);
export const LEAN_ROWS_INNER = 'leanRowsInner';
export const LEAN_ROWS_OUTER = 'leanRowsOuter';
