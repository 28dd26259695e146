// Builds the schemas once: one per tenant kind, plus `public` for callers without a tenant.
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { TenantKind } from '@jiedai/db';
import { builder, SUB_GRAPHS, type SubGraph } from './builder.ts';
import { KINDS } from './modules/index.ts';

export type Schemas = Record<SubGraph, GraphQLSchema>;

/** The schema of each tenant kind, from the kinds' definitions. */
export const SUB_GRAPH_OF_KIND = Object.fromEntries(KINDS.map((k) => [k.kind, k.subGraph])) as Record<TenantKind, SubGraph>;

let built: Schemas | null = null;

export function buildSchemas(): Schemas {
  built ??= Object.fromEntries(SUB_GRAPHS.map((g) => [g, builder.toSchema({ subGraph: g })])) as Schemas;
  return built;
}

export function printSchemas(): Record<SubGraph, string> {
  const schemas = buildSchemas();
  return Object.fromEntries(SUB_GRAPHS.map((g) => [g, `${printSchema(lexicographicSortSchema(schemas[g]))}\n`])) as Record<SubGraph, string>;
}
