// The yoga instance: HTTP and SSE on /graphql, its plugins in order, and the context of every
// operation (HTTP, SSE and WebSocket alike), built from the request's state (request-state.ts).
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
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
import { useSeatingCharts } from './plugins/seating-charts.ts';
import { useEvidenceFiles } from './plugins/evidence-files.ts';
import type { EvidenceStore } from './evidence/store.ts';
import type { EvidenceScanner } from './evidence/scan.ts';
import { useHttpGuards } from './plugins/http-guards.ts';
import { scopeOf, useTenantTransaction, verifiedTransaction } from './plugins/tenant-transaction.ts';
import { useOperationLog } from './plugins/operation-log.ts';
import { armorRejection, useQueryCost } from './plugins/query-cost.ts';
import { useTenantFieldErrors } from './plugins/tenant-fields.ts';
import { useErrorLanguage } from './plugins/error-language.ts';
import { useSessionWatch } from './plugins/session-watch.ts';
import { useSharedExecution } from './plugins/shared-execution.ts';
import type { CostBudget } from './cost-budget.ts';
import type { Limiter } from './subscription-db.ts';
import { useTenantCors, type OriginPolicy } from './plugins/cors.ts';
import { useMetrics, useMetricsEndpoint, type GatewayMetrics } from './metrics.ts';
import { usePersistedDocuments, type PersistedOperationStore } from './plugins/persisted-operations.ts';
import { traceIdOf, useTracing } from './tracing.ts';
import type { Tracer } from '@opentelemetry/api';

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
  /** Where the cost budgets over time are kept (Redis or memory); none: no budgets (RATE_LIMIT_ENABLED=false). */
  costBudget?: CostBudget | undefined;
  /** The tenants' partner origins (CORS). */
  origins: OriginPolicy;
  metrics: GatewayMetrics;
  /** Subscriptions' database work, bounded below the pool size (subscription-db.ts). */
  subscriptionDb: Limiter;
  /** The tenants' persisted operations (trusted documents). */
  persisted: PersistedOperationStore;
  /** OpenTelemetry (tracing.ts), when on. */
  tracer?: Tracer | undefined;
  /** Evidence files: where they are kept and the virus-scan hook. */
  evidence: { store: EvidenceStore; scanner: EvidenceScanner };
}

export function createGatewayYoga({
  config,
  log,
  db,
  services,
  schemas,
  authenticator,
  redisPing,
  draining,
  costBudget,
  origins,
  metrics,
  subscriptionDb,
  persisted,
  tracer,
  evidence,
}: YogaOptions): GatewayYoga {
  const production = config.env === 'production';
  const yoga: GatewayYoga = createYoga<Record<string, unknown>, Context>({
    schema: schemas.public,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // CORS from the tenants' partner origins (plugins/cors.ts); yoga's default would echo any Origin.
    cors: false,
    // The body limit is enforced by useHttpGuards from Content-Length, which it requires of every POST
    // (chunked bodies get 411), and node:http never delivers more than Content-Length bytes; yoga's own
    // limit would pipe every body through a TransformStream (~3 % of a small request's CPU).
    maxRequestBodySize: false,
    // GraphQL-over-HTTP's persisted documents name theirs with `documentId` (plugins/persisted-operations.ts).
    extraParamNames: ['documentId'],
    // Subscriptions over graphql-ws; `/graphql?subscriptions=sse` serves a GraphiQL that sends them over SSE (a GET with
    // accept: text/event-stream). Its requests carry the CSRF prevention header, as any script of ours may.
    graphiql: production
      ? false
      : (request) => ({
          title: 'Jiedai 接待 API',
          subscriptionsProtocol: new URL(request.url).searchParams.get('subscriptions')?.toLowerCase() === 'sse' ? 'SSE' : 'WS',
          additionalHeaders: { 'x-graphql-yoga-csrf': '1' },
        }),
    // GraphiQL from our own dependencies (its scripts inline in the page), not from a CDN: it works offline.
    renderGraphiQL,
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
      // The request's child logger, made when something first logs (most operations never do: a child
      // logger serialises its bindings when made, a few µs per request for nothing).
      let requestLog: Logger | undefined;
      const ctx: Context = {
        requestId,
        get log() {
          // With tracing on, the operation's span (over graphql-ws made after the context) gives every line its trace id.
          const traceId = tracer ? traceIdOf(this) : undefined;
          return (requestLog ??= log.child(
            traceId ? { requestId, tenantId: scope.tenantId ?? null, traceId } : { requestId, tenantId: scope.tenantId ?? null },
          ));
        },
        clientAddress: state.clientAddress,
        // Links in mail fall back to the request's origin (its Host header) only outside production: there a
        // forged Host could send a person's link elsewhere, so production uses the *_LINK_BASE_URL settings.
        origin: production ? undefined : state.origin,
        acceptLanguage: state.acceptLanguage,
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
        withScope: (fn) => subscriptionDb.run(() => verifiedTransaction(db, auth.credential, auth.tenantKind, 'ReadCommitted', fn)),
      };
      // Yoga merges what this returns into the request's context with Object.assign, which would read the
      // lazy members (log, db) and so make them for every request: they are defined on the context instead.
      Object.defineProperties(initial, Object.getOwnPropertyDescriptors(ctx));
      return {} as Context; // nothing left to merge
    },
    plugins: [
      ...(tracer ? [useTracing(tracer)] : []),
      useMetricsEndpoint(metrics, config.metrics.token),
      useHttpGuards({ db, authenticator, maxBodyBytes: config.maxBodyBytes, trustProxy: config.trustProxy, log, redis: redisPing, draining }),
      useTenantCors(origins, log),
      useSeatingCharts(() => yoga),
      ...usePersistedDocuments(persisted),
      useEvidenceFiles({ db, store: evidence.store, scanner: evidence.scanner, fileLinks: services.fileLinks, log }),
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
      useMetrics(metrics),
      useQueryCost(config.queryCost, costBudget && { store: costBudget, tenant: config.rateLimit.tenant, apiKey: config.rateLimit.apiKey }),
      useTenantTransaction(db, subscriptionDb),
      useOperationLog(),
      useErrorLanguage(),
      useSessionWatch(),
      // A live event executed once per process per schema, selection and role, not per subscriber.
      useSharedExecution(),
    ],
  });
  return yoga;
}
