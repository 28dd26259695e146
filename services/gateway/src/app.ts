// buildApp: the whole gateway (yoga over HTTP and SSE, graphql-ws on the same /graphql path, pino
// logs) without listening. main.ts listens; tests use `yoga.fetch` and the server on port 0.
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { getOperationAST, GraphQLError } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { pino, type Logger } from 'pino';
import { openDatabase, scopedClient, type Database } from '@jiedai/db';
import {
  anonymousAccess,
  isInputValidationError,
  bootstrapPlatformAdmin,
  buildSchemas,
  createPasswordHasher,
  createSignInGuard,
  createSurveyResponseGuard,
  createTokenService,
  seedDemo,
  type AppServices,
  type Context,
} from '@jiedai/schema';
import type { GatewayConfig } from './config.ts';
import { anonymous, createAuthenticator, AuthError, type RequestAuth } from './auth.ts';
import { authByRequest, useSchemaPerKind } from './plugins/schema-per-kind.ts';
import { requestIds, useHttpGuards } from './plugins/http-guards.ts';
import { scopeOf, useTenantTransaction, verifiedTransaction, verifySubscriber } from './plugins/tenant-transaction.ts';
import { createEventBus } from './events.ts';
import { useOperationLog } from './plugins/operation-log.ts';
import { armorRejection, useQueryCost } from './plugins/query-cost.ts';
import { useTenantFieldErrors } from './plugins/tenant-fields.ts';

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, Context>;
  server: Server;
  db: Database;
  services: AppServices;
  log: Logger;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** An already open database (tests); otherwise opened from config. */
  db?: Database;
  logger?: Logger;
  services?: Partial<AppServices>;
}

export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<App> {
  const log =
    options.logger ??
    pino({
      level: config.logLevel,
      base: { service: 'jiedai-gateway' },
      // Never log credentials or personal data that may sit in a request.
      redact: { paths: ['*.authorization', '*.password', '*.token', '*.email', 'req.headers.cookie'], censor: '[redacted]' },
    });
  const passwords = options.services?.passwords ?? createPasswordHasher();
  const db =
    options.db ??
    (await openDatabase({
      ...config.database,
      asOwner: config.seedDemo
        ? async (owner) => {
            if (await bootstrapPlatformAdmin(owner, await passwords.hash('jiedai-demo'))) log.info('created demo platform admin');
          }
        : undefined,
    }));
  if (!options.db && config.seedDemo) await seedDemo(db.prisma, passwords, (msg) => log.info(msg));

  const eventBus = createEventBus(config.redisUrl, config.redisPrefix, (error, what) => log.warn({ err: error }, `${what} failed`));
  // The rate limiters' connection (and the readiness probe's): while Redis is away its commands fail at
  // once (no offline queue, one retry, a short timeout for a Redis that hangs) and the limiters count
  // in this process instead (their insurance limiters); ioredis reconnects by itself.
  const guardRedis = config.redisUrl
    ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000, connectTimeout: 2_000 })
    : undefined;
  guardRedis?.on('error', (error) => log.warn({ err: error }, 'redis (sign-in guard connection) failed'));
  // Without an offline queue, commands sent before the connection is up would go to the in-process
  // limiters: give Redis a moment at start (a gateway starts without it, degraded, after that).
  if (guardRedis) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([once(guardRedis, 'ready'), new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]).catch(() => undefined);
    clearTimeout(timer);
  }
  const services: AppServices = {
    passwords,
    tokens: options.services?.tokens ?? createTokenService(config.jwt),
    signInGuard: options.services?.signInGuard ?? createSignInGuard({ redis: guardRedis, keyPrefix: config.redisPrefix }),
    events: options.services?.events ?? eventBus.bus,
    feedback: options.services?.feedback ?? {
      responseGuard: createSurveyResponseGuard({
        redis: guardRedis,
        keyPrefix: config.redisPrefix,
        perToken: config.survey.submissionsPerToken,
        perAddress: config.survey.submissionsPerAddress,
      }),
      linkBase: config.survey.linkBase,
    },
  };
  const schemas = buildSchemas();
  const authenticator = createAuthenticator(db.prisma, services.tokens);
  const production = config.env === 'production';

  const yoga = createYoga<Record<string, unknown>, Context>({
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
    context: ({
      request,
      req,
      extra,
    }: {
      request: Request;
      req?: { socket?: { remoteAddress?: string } };
      extra?: { socket?: { bufferedAmount?: number } };
    }) => {
      const auth = authByRequest.get(request) ?? anonymous;
      const requestId = requestIds.get(request) ?? 'ws';
      const scope = scopeOf(auth.credential);
      let client: Context['db'] | undefined;
      const ctx: Context = {
        requestId,
        log: log.child({ requestId, tenantId: scope.tenantId ?? null }),
        clientAddress:
          (config.trustProxy && request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()) ||
          req?.socket?.remoteAddress ||
          'local',
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
        backlogBytes: extra?.socket ? () => extra.socket?.bufferedAmount ?? 0 : undefined,
        access: anonymousAccess,
        pendingEvents: [],
        eventQueue: [],
        publishAfterCommit: (topic, payload) => ctx.pendingEvents.push({ topic, payload }),
        withScope: (fn) => verifiedTransaction(db, auth.credential, auth.tenantKind, 'ReadCommitted', fn),
      };
      return ctx;
    },
    plugins: [
      useHttpGuards({
        db,
        authenticator,
        maxBodyBytes: config.maxBodyBytes,
        log,
        redis: guardRedis && (async () => void (await guardRedis.ping())),
        draining: () => draining,
      }),
      // Requests with a "simple" content-type (none, text/plain, form-urlencoded, multipart) need this
      // header; any other content-type already forces a CORS preflight, which the plugin accepts.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useSchemaPerKind(schemas),
      useTenantFieldErrors(schemas),
      useDisableIntrospection({
        isDisabled: (request) => production && (authByRequest.get(request) ?? anonymous).credential.type === 'anonymous',
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

  // Draining (from close()): /readyz answers 503, every response carries `Connection: close` (node
  // then closes its connection once the response is out), connections that fall idle are closed, and
  // whatever is still open when SHUTDOWN_GRACE_MS ends is cut. Responses in flight when draining
  // begins get the header too if theirs are not sent yet, so a client learns of it from any answer.
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A response whose headers were out before draining began left its connection open: close it
      // now that it is idle (node closes those marked `Connection: close` itself).
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    void yoga(req, res);
  });
  // A WebSocket message may be no larger than a request body (ws's default is 100 MiB): larger ones
  // close the socket with 1009 (Message Too Big).
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: config.maxBodyBytes });
  const maxOperations = config.wsMaxSubscriptionsPerSocket;
  /** An unexpected failure on the socket, for one operation: logged, and masked like yoga masks them. */
  const failure = (error: unknown, what: string): GraphQLError => {
    if (error instanceof AuthError) return error;
    log.error({ err: error }, `websocket ${what} failed`);
    return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
  const wsDisposable = useServer<Record<string, unknown>, { auth?: RequestAuth }>(
    {
      // Whatever throws here would close the whole socket with 4500: it becomes this operation's error.
      execute: async (args: any) => {
        try {
          return await args.rootValue.execute(args);
        } catch (error) {
          return { errors: [failure(error, 'operation')] };
        }
      },
      subscribe: async (args: any) => {
        try {
          return await args.rootValue.subscribe(args);
        } catch (error) {
          return { errors: [failure(error, 'subscription')] };
        }
      },
      // Authenticate at connection_init: the same tokens and API keys as HTTP. An invalid credential, or
      // a tenant the caller is not a member of, closes with 4403 (graphql-ws's Forbidden); a failure of
      // ours (the database unreachable) with 1011, logged, never with a stack trace.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = (name: string) => {
          const v = params[name] ?? params[name.toLowerCase()];
          return typeof v === 'string' ? v : null;
        };
        try {
          ctx.extra.auth = await authenticator.authenticate(header('Authorization'), header('X-Tenant-Id'));
          return true;
        } catch (error) {
          if (error instanceof AuthError) return false;
          log.error({ err: error }, 'websocket connection_init failed');
          ctx.extra.socket.close(1011, 'Unexpected error.');
          return false;
        }
      },
      // A refusal here is this operation's `error` message; the socket's other operations go on.
      onSubscribe: async (ctx, _id, payload) => {
        try {
          // ctx.subscriptions holds this operation already.
          if (Object.keys(ctx.subscriptions).length > maxOperations) {
            return [
              new GraphQLError(`At most ${maxOperations} operations at a time on one socket`, {
                extensions: { code: 'RATE_LIMITED', limit: maxOperations },
              }),
            ];
          }
          const request = new Request('http://localhost/graphql', { method: 'POST' });
          authByRequest.set(request, ctx.extra.auth ?? anonymous);
          const enveloped = yoga.getEnveloped({ ...ctx, request, params: payload });
          const { schema, execute, subscribe, contextFactory, parse, validate } = enveloped;
          const document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          const contextValue = (await contextFactory()) as unknown as Context;
          if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
            const refused = await verifySubscriber(db, contextValue);
            if (refused) return [refused];
          }
          return {
            schema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue,
            rootValue: { execute, subscribe },
          };
        } catch (error) {
          // A syntax error is the client's; anything else is ours, masked.
          return [error instanceof GraphQLError && !error.originalError ? error : failure(error, 'subscribe')];
        }
      },
    },
    wsServer,
    // Ping every WS_KEEPALIVE_MS; a client that has not answered by the next ping is terminated.
    config.wsKeepAliveMs,
  );
  // graphql-ws reports a socket's errors (a message over maxPayload, a reset) with console.error and
  // then closes with 4500; ws has closed the socket already (1009 for an oversized message). Log them.
  wsServer.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => log.warn({ err: error }, 'websocket error'));
  });

  let closing: Promise<void> | null = null;
  return {
    yoga,
    server,
    db,
    services,
    log,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
        await wsDisposable.dispose();
        await new Promise<void>((resolve) => wsServer.close(() => resolve()));
        if (server.listening) {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
          await closed;
          clearTimeout(timer);
        }
        await yoga.dispose();
        await eventBus.close();
        await guardRedis?.quit().catch(() => undefined);
        if (!options.db) await db.close();
      })()),
  };
}
