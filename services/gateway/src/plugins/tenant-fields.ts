// A caller without a tenant gets the public schema, where the tenants' fields do not exist: GraphQL would
// answer "Cannot query field "visits" on type "Query"", which reads like a typo. When an operation that
// failed validation asks for a root field some tenant schema has, the answer says what is missing instead:
// UNAUTHENTICATED (401) for an anonymous caller, FORBIDDEN (403) for a user acting in no tenant.
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationTypeNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { TENANT_GRAPHS, type Schemas } from '@jiedai/schema';
import { requestStateOf } from '../request-state.ts';

function rootFieldsOf(schemas: GraphQLSchema[]): Record<OperationTypeNode, Set<string>> {
  const fields = { query: new Set<string>(), mutation: new Set<string>(), subscription: new Set<string>() };
  for (const schema of schemas) {
    for (const [operation, type] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
      ['subscription', schema.getSubscriptionType()],
    ] as const) {
      for (const name of Object.keys(type?.getFields() ?? {})) fields[operation].add(name);
    }
  }
  return fields as Record<OperationTypeNode, Set<string>>;
}

/** The first root field of the document that the public schema lacks and a tenant schema has. */
function tenantOnlyField(document: DocumentNode, inPublic: Record<OperationTypeNode, Set<string>>, inTenants: Record<OperationTypeNode, Set<string>>) {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const name = selection.name.value;
      if (!inPublic[definition.operation].has(name) && inTenants[definition.operation].has(name)) return name;
    }
  }
  return null;
}

function asksForMissingRoot(document: DocumentNode, schema: GraphQLSchema): boolean {
  return document.definitions.some(
    (d) =>
      d.kind === Kind.OPERATION_DEFINITION &&
      ((d.operation === 'subscription' && !schema.getSubscriptionType()) || (d.operation === 'mutation' && !schema.getMutationType())),
  );
}

export function useTenantFieldErrors(schemas: Schemas): Plugin {
  const inPublic = rootFieldsOf([schemas.public]);
  const inTenants = rootFieldsOf(TENANT_GRAPHS.map((graph) => schemas[graph]));
  return {
    onValidate({ params, context }) {
      const auth = requestStateOf(context)?.auth;
      if (auth?.tenantKind) return undefined;
      return ({ result, setResult }) => {
        // graphql-js validates a subscription against a schema without a Subscription type (the public
        // one) and only fails at execution ("Schema is not configured…"): treat that as invalid too.
        if (result.length === 0 && !asksForMissingRoot(params.documentAST, params.schema)) return;
        const field = tenantOnlyField(params.documentAST, inPublic, inTenants);
        if (!field) return;
        const anonymous = !auth || auth.credential.type === 'anonymous';
        setResult([
          anonymous
            ? new GraphQLError(`"${field}" needs a signed-in caller: send "Authorization: Bearer <token or API key>".`, {
                extensions: { code: 'UNAUTHENTICATED', http: { status: 401, spec: false } },
              })
            : new GraphQLError(`"${field}" is a tenant's field: act in a tenant (a token naming one, or the X-Tenant-Id header).`, {
                extensions: { code: 'FORBIDDEN', http: { status: 403, spec: false } },
              }),
        ]);
      };
    },
  };
}
