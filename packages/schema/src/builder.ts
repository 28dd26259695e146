// The Pothos builder: configuration only. Modules import it and add their types.
import SchemaBuilder, { PothosValidationError } from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import SubGraphPlugin from '@pothos/plugin-sub-graph';
import { JSONResolver } from 'graphql-scalars';
import TextInputPlugin from './shared/text-input.ts';
import { LEAN_ROWS_INNER, LEAN_ROWS_OUTER } from './shared/lean-rows.ts';
import { DateTimeScalar } from './shared/dates.ts';
import type { PrismaClient, Role } from '@jiedai/db';
import type PrismaTypes from './generated/pothos-types.ts';
import { getDatamodel } from './generated/pothos-types.ts';
import type { Context } from './context.ts';
import { hasRole } from './shared/access.ts';
import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';

/** A field the caller may not use. */
export class ForbiddenError extends GraphQLError {
  readonly code = 'FORBIDDEN';
  constructor(message: string) {
    super(message && message !== 'Unauthorized' ? message : 'Not allowed: a role or membership is missing', { extensions: { code: 'FORBIDDEN' } });
  }
}

/** `nodes(ids:)` resolves at most this many ids per call. */
export const MAX_NODE_IDS = 100;

/** The schemas served: one per tenant kind, and `public` for callers without a tenant. */
export const SUB_GRAPHS = ['public', 'government', 'hospital', 'hotel'] as const;
export type SubGraph = (typeof SUB_GRAPHS)[number];
export const TENANT_GRAPHS: SubGraph[] = ['government', 'hospital', 'hotel'];
/** Every schema, the public one included: core types that callers without a tenant need. */
export const ALL_GRAPHS: SubGraph[] = [...SUB_GRAPHS];

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  SubGraphs: SubGraph;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    Decimal: { Input: string; Output: string | { toFixed(digits: number): string } };
  };
  AuthScopes: {
    authenticated: boolean;
    platformAdmin: boolean;
    member: boolean;
    role: Role;
  };
}>({
  // The errors plugin wraps scope-auth, so a mutation the caller may not run returns ForbiddenError as data;
  // textInput: every argument (at any depth) is checked for text PostgreSQL cannot store (shared/text-input.ts);
  // leanRows around the Prisma plugin: a row that already holds a field's columns is read as it is (shared/lean-rows.ts).
  plugins: [ErrorsPlugin, ScopeAuthPlugin, TextInputPlugin, LEAN_ROWS_OUTER, PrismaPlugin, LEAN_ROWS_INNER, RelayPlugin, SubGraphPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Subscription fields are authorized when the subscription starts (ctx.access is resolved then);
    // the default would check only as each event resolves, accepting any caller's subscription.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.access.userId !== null || ctx.access.apiKeyId !== null,
      platformAdmin: ctx.access.isPlatformAdmin,
      member: ctx.access.tenantId !== null && ctx.access.roles.length > 0,
      role: (role) => ctx.access.tenantId !== null && hasRole(ctx.access, role),
    }),
    // A field the caller may not see fails with FORBIDDEN: as a result member of a mutation (every
    // mutation's union has ForbiddenError), as a top-level error elsewhere.
    unauthorizedError: (_parent, _context, _info, result) => new ForbiddenError(result.message),
  },
  // Result unions and result types are in every schema that reaches them (through their field).
  errors: { defaultTypes: [ForbiddenError], defaultUnionOptions: { subGraphs: [...SUB_GRAPHS] }, defaultResultOptions: { subGraphs: [...SUB_GRAPHS] } },
  prisma: {
    client: (ctx) => ctx.db as unknown as PrismaClient,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    maxConnectionSize: 100,
    defaultConnectionSize: 20,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    // A malformed id is the caller's mistake (BAD_USER_INPUT), never a database error.
    decodeGlobalID: (globalID) => decodeId(globalID),
    clientMutationId: 'omit',
    cursorType: 'String',
    // `nodes` beside `edges` on every connection (as GitHub's API has): most clients need no cursor per node.
    nodesOnConnection: true,
    // Sub-graphs are opt-in (below): the types and root fields this plugin makes are in every schema
    // (a schema keeps only those it reaches: a connection of a hotel-only node is in the hotel's).
    nodeTypeOptions: { subGraphs: [...SUB_GRAPHS] },
    pageInfoTypeOptions: { subGraphs: [...SUB_GRAPHS] },
    defaultConnectionTypeOptions: { subGraphs: [...SUB_GRAPHS] },
    defaultEdgeTypeOptions: { subGraphs: [...SUB_GRAPHS] },
    // An id of a type this tenant kind's schema does not have (or that is no Node) is simply not found.
    nodeQueryOptions: {
      subGraphs: [...SUB_GRAPHS],
      nullable: true,
      resolve: (_root, { id }, _ctx, info, resolveNode) => (isNodeType(info.schema, id.typename) ? resolveNode(id) : null),
    },
    nodesQueryOptions: {
      subGraphs: [...SUB_GRAPHS],
      nullable: { list: false, items: true },
      description: `Fetches objects given their IDs (at most ${MAX_NODE_IDS}, like GitHub's API); an id of another tenant, or of a type this schema does not have, gives null.`,
      resolve: async (_root, args, _ctx, info, resolveNodes) => {
        const all = args.ids;
        if (all.length > MAX_NODE_IDS) {
          throw new GraphQLError(`nodes takes at most ${MAX_NODE_IDS} ids, got ${all.length}`, {
            extensions: { code: 'BAD_USER_INPUT', field: 'ids', max: MAX_NODE_IDS, found: all.length },
          });
        }
        const known = all.map((id) => isNodeType(info.schema, id.typename));
        // plugin-relay 4.8.1's callback resolves `args.ids` whatever ids it is given: narrow them there.
        args.ids = all.filter((_, i) => known[i]);
        try {
          const found = await resolveNodes(args.ids);
          let next = 0;
          return all.map((_, i) => (known[i] ? found[next++] : null));
        } finally {
          args.ids = all;
        }
      },
    },
  },
  // Opt-in: a type is in no schema unless it says which (`subGraphs`); a field is where its type is,
  // unless it says otherwise. Core types that callers without a tenant need: ALL_GRAPHS (public
  // included); tenant types: TENANT_GRAPHS; a kind's types: its own graph.
  subGraphs: {
    defaultForTypes: [],
    fieldsInheritFromTypes: true,
    // A module's error-code enum documents the values of its error's `code` (a String, as in the `Error`
    // interface): no field returns it, so it is included explicitly.
    explicitlyIncludeType: (type) => Boolean((type.extensions as { errorCodes?: boolean } | undefined)?.errorCodes),
  },
});

/** The builder's type parameters, for helpers that take a field builder (`t`) as a typed argument. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

function isNodeType(schema: GraphQLSchema, typename: string): boolean {
  const type = schema.getType(typename);
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An argument Pothos refused while validating it (e.g. the global id of another type than the field takes). */
export function isInputValidationError(error: unknown): boolean {
  return error instanceof PothosValidationError;
}

/** Opaque global ids are base64 of `Type:uuid`. */
export function decodeId(globalID: string): { typename: string; id: string } {
  const text = Buffer.from(globalID, 'base64').toString('utf8');
  const split = text.indexOf(':');
  const typename = text.slice(0, split);
  const id = text.slice(split + 1);
  if (split < 1 || !/^[A-Za-z]+$/.test(typename) || !UUID.test(id)) {
    throw new GraphQLError(`Invalid ID: ${JSON.stringify(globalID).slice(0, 80)}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { typename, id };
}

// Scalars and root types are in every schema (a schema keeps the scalars it uses).
builder.addScalarType('DateTime', DateTimeScalar, { subGraphs: [...SUB_GRAPHS] });
builder.addScalarType('JSON', JSONResolver, { subGraphs: [...SUB_GRAPHS] });
builder.scalarType('Decimal', {
  subGraphs: [...SUB_GRAPHS],
  description: 'An exact amount in the tenant\'s currency, as a string with two decimals ("1200.50").',
  serialize: (value) => (typeof value === 'string' ? value : value.toFixed(2)),
  // Only the type is checked here: the services check the amount itself (at most two decimals, no sign)
  // and refuse a bad one with a ValidationError naming the field, which a scalar error could not do.
  parseValue: (value) => {
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') throw new GraphQLError('Decimal must be a string');
    return value;
  },
});

builder.queryType({ subGraphs: [...SUB_GRAPHS] });
builder.mutationType({ subGraphs: [...SUB_GRAPHS] });
builder.subscriptionType({ subGraphs: TENANT_GRAPHS });
