// The yoga instance: HTTP and SSE on /graphql, its plugins in order, and the context of every
// operation (HTTP, SSE and WebSocket alike), built from the request's state (request-state.ts).
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Logger } from 'pino';
import { scopedClient, type Database } from '@jiedai/db';
import { anonymousAccess, isInputValidationError, type AppServices, type Context, type Schemas } from '@jiedai/schema';
import type { GatewayConfig } from './config.ts';
import type { Authenticator } from './auth.ts';
import { newRequestState, requestStateOf } from './request-state.ts';
import { useSchemaPerKind } from './plugins/schema-per-kind.ts';
import { useHttpGuards } from './plugins/http-guards.ts';
import { scopeOf, useTenantTransaction, verifiedTransaction } from './plugins/tenant-transaction.ts';
import { useOperationLog } from './plugins/operation-log.ts';
import { armorRejection, useQueryCost } from './plugins/query-cost.ts';
import { useTenantFieldErrors } from './plugins/tenant-fields.ts';

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, Context>;

export interface YogaOptions {
  config: GatewayConfig;
  log: Logger;
  db: Database;
  services: AppServices;
  schemas: Schemas;
  authenticator: Authenticator;
  /** Pings Redis (when configured), for the readiness probe. */
  redisPing?: (() => Promise<void>) | undefined;
  /** True once the gateway is shutting down. */
  draining: () => boolean;
}

export function createGatewayYoga({ config, log, db, services, schemas, authenticator, redisPing, draining }: YogaOptions): GatewayYoga {
  const production = config.env === 'production';
  return createYoga<Record<string, unknown>, Context>({
    schema: schemas.public,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // The body limit is enforced by useHttpGuards from Content-Length, which it requires of every POST
    // (chunked bodies get 411), and node:http never delivers more than Content-Length bytes; yoga's own
    // limit would pipe every body through a TransformStream (~3 % of a small request's CPU).
    maxRequestBodySize: false,
    graphiql: production ? false : { title: 'Jiedai 接待 API', subscriptionsProtocol: 'WS' },
    maskedErrors: {
      isDev: config.env === 'development',
      // Pothos refuses an argument it validates (a global id of another type than the field takes) with a
      // PothosValidationError: the caller's mistake (BAD_USER_INPUT), not an error to mask.
      maskError: (error, message, isDev) => {
        if (error instanceof GraphQLError && error.originalError && isInputValidationError(error.originalError)) {
          return new GraphQLError(error.originalError.message, { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT' } });
        }
        return maskError(error, message, isDev);
      },
    },
    logging: {
      debug: (...args) => log.debug({ args }, 'yoga'),
      info: (...args) => log.info({ args }, 'yoga'),
      warn: (...args) => log.warn({ args }, 'yoga'),
      error: (...args) => log.error({ args }, 'yoga'),
    },
    context: (initial) => {
      // Filled by useHttpGuards (HTTP, SSE) or at connection_init (websocket.ts); never missing there.
      const state = requestStateOf(initial) ?? newRequestState({ requestId: 'unknown', clientAddress: 'local' });
      const { auth, requestId } = state;
      const scope = scopeOf(auth.credential);
      let client: Context['db'] | undefined;
      const ctx: Context = {
        requestId,
        log: log.child({ requestId, tenantId: scope.tenantId ?? null }),
        clientAddress: state.clientAddress,
        credential: auth.credential,
        tenantKind: auth.tenantKind,
        services,
        // The operation's transaction sets `db`; outside one (subscription events) each query gets its own
        // scoped transaction, on a client made only when first needed.
        get db() {
          return (client ??= scopedClient(db.prisma, scope));
        },
        set db(tx) {
          client = tx;
        },
        backlogBytes: state.backlogBytes,
        access: anonymousAccess,
        pendingEvents: [],
        eventQueue: [],
        publishAfterCommit: (topic, payload) => ctx.pendingEvents.push({ topic, payload }),
        withScope: (fn) => verifiedTransaction(db, auth.credential, auth.tenantKind, 'ReadCommitted', fn),
      };
      return ctx;
    },
    plugins: [
      useHttpGuards({ db, authenticator, maxBodyBytes: config.maxBodyBytes, trustProxy: config.trustProxy, log, redis: redisPing, draining }),
      // Requests with a "simple" content-type (none, text/plain, form-urlencoded, multipart) need this
      // header; any other content-type already forces a CORS preflight, which the plugin accepts.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useSchemaPerKind(schemas),
      useTenantFieldErrors(schemas),
      useDisableIntrospection({
        isDisabled: (_request, serverContext) => production && (requestStateOf(serverContext)?.auth.credential.type ?? 'anonymous') === 'anonymous',
      }),
      EnvelopArmorPlugin({
        maxDepth: { n: 10, onReject: [armorRejection('depth')] },
        maxAliases: { n: 15, onReject: [armorRejection('aliases')] },
        maxDirectives: { n: 10, onReject: [armorRejection('directives')] },
        maxTokens: { n: 3000, onReject: [armorRejection('tokens')] },
        // The cost is computed with the operation's variables in useQueryCost (armor's sees literals only).
        costLimit: { enabled: false },
        blockFieldSuggestion: { enabled: production },
      }),
      useQueryCost(config.queryCost),
      useTenantTransaction(db),
      useOperationLog(),
    ],
  });
}
