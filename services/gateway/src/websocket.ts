// graphql-ws on the gateway's HTTP server (same /graphql path), as graphql-yoga's own graphql-ws
// example wires it: each operation goes through `yoga.getEnveloped` with the real upgrade request as
// `req` and the socket, so it runs the same plugins and gets the same context as over HTTP. The
// request's state (request-state.ts) is made once per socket at connection_init, from the upgrade
// request (X-Request-Id, the client's address) and the credential in the connection params.
// (No fetch `Request` is given: yoga's "no mutation over GET" check looks at `context.request` only,
// so mutations work over the socket; CSRF and the HTTP guards are HTTP-only hooks.)
import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, getOperationAST, GraphQLError } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import type { Database } from '@jiedai/db';
import type { Context } from '@jiedai/schema';
import type { GatewayConfig } from './config.ts';
import { AuthError, type Authenticator } from './auth.ts';
import { clientAddressOf, newRequestState, originOf, requestIdFrom, type RequestState, type WithRequestState } from './request-state.ts';
import { releaseStartUp, verifySubscriber } from './plugins/tenant-transaction.ts';
import type { GatewayYoga } from './yoga.ts';
import type { Limiter } from './subscription-db.ts';
import { documentFor, type PersistedOperationStore } from './plugins/persisted-operations.ts';

export interface WebSocketAttachment {
  readonly wsServer: WebSocketServer;
  /** Closes every socket (1001) and stops accepting new ones. */
  close(): Promise<void>;
}

export interface WebSocketOptions {
  server: Server;
  yoga: GatewayYoga;
  db: Database;
  config: GatewayConfig;
  log: Logger;
  authenticator: Authenticator;
  /** Subscriptions' database work, bounded below the pool size (subscription-db.ts). */
  subscriptionDb: Limiter;
  /** Persisted operations: a hash in `extensions.persistedQuery` (with an empty `query`) names the tenant's document. */
  persisted: PersistedOperationStore;
}

/** What onSubscribe hands on as the root value: this operation's enveloped execute and subscribe. */
type Enveloped = Pick<ReturnType<GatewayYoga['getEnveloped']>, 'execute' | 'subscribe'>;

interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
  state?: RequestState;
}

/** A header of an operation's `extensions.headers` (GraphiQL sends its header editor's headers there). */
function extensionHeader(extensions: Record<string, unknown> | null | undefined, name: string): string | null {
  const headers = extensions?.headers;
  if (!headers || typeof headers !== 'object') return null;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return typeof found?.[1] === 'string' ? found[1] : null;
}

/**
 * A socket has no HTTP status or headers: errors that carry them for HTTP (`extensions.http`: 429 with
 * Retry-After, 503) reach a socket's client without them (retryAfter stays in the extensions).
 */
function withoutHttp<T>(result: T): T {
  const errors = (result as { errors?: readonly GraphQLError[] } | null)?.errors;
  if (!errors?.some((e) => e.extensions?.http)) return result;
  return {
    ...result,
    errors: errors.map((error) => {
      if (!error.extensions?.http) return error;
      const { http: _http, ...extensions } = error.extensions;
      return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, originalError: error.originalError, extensions });
    }),
  };
}

export function attachWebSocket({ server, yoga, db, config, log, authenticator, subscriptionDb, persisted }: WebSocketOptions): WebSocketAttachment {
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
  /**
   * The state an operation runs with: the socket's. A socket opened without a credential may name one per
   * operation in `extensions.headers` (Authorization, X-Tenant-Id), as GraphiQL does; it is verified like an
   * HTTP request's headers (an invalid one fails this operation with UNAUTHENTICATED). The credential of
   * the connection, when there is one, always wins.
   */
  const operationState = async (socketState: RequestState, extensions: Record<string, unknown> | null | undefined): Promise<RequestState> => {
    const authorization = extensionHeader(extensions, 'authorization');
    if (!authorization || socketState.auth.credential.type !== 'anonymous') return socketState;
    return { ...socketState, auth: await authenticator.authenticate(authorization, extensionHeader(extensions, 'x-tenant-id')) };
  };
  const header = (request: IncomingMessage, name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  /** Per socket: the cursor of the last event each subscription was sent (for the close frame at shutdown). */
  const cursors = new WeakMap<WebSocket, Map<string, string>>();
  const disposable = useServer<Record<string, unknown>, Partial<Extra>>(
    {
      // Whatever throws here would close the whole socket with 4500: it becomes this operation's error.
      execute: async (args: ExecutionArgs) => {
        try {
          return withoutHttp(await (args.rootValue as Enveloped).execute(args));
        } catch (error) {
          return { errors: [failure(error, 'operation')] };
        }
      },
      subscribe: async (args: ExecutionArgs) => {
        try {
          const result = await (args.rootValue as Enveloped).subscribe(args);
          // Refused before it had a stream (e.g. over its cost budget): the start-up transaction ends here.
          if (!(Symbol.asyncIterator in (result as object))) releaseStartUp(args.contextValue as Context);
          return withoutHttp(result);
        } catch (error) {
          releaseStartUp(args.contextValue as Context);
          return { errors: [failure(error, 'subscription')] };
        }
      },
      // Authenticate at connection_init: the same tokens and API keys as HTTP. An invalid credential, or
      // a tenant the caller is not a member of, closes with 4403 (graphql-ws's Forbidden); a failure of
      // ours (the database unreachable) with 1011, logged, never with a stack trace.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const param = (name: string) => {
          const v = params[name] ?? params[name.toLowerCase()];
          return typeof v === 'string' ? v : null;
        };
        const { request, socket } = ctx.extra as Extra;
        try {
          const auth = await authenticator.authenticate(param('Authorization'), param('X-Tenant-Id'));
          ctx.extra.state = newRequestState({
            requestId: requestIdFrom(header(request, 'x-request-id')),
            clientAddress: clientAddressOf(config.trustProxy, header(request, 'x-forwarded-for'), request.socket.remoteAddress),
            origin: originOf(
              config.trustProxy,
              `http://${header(request, 'host') ?? 'localhost'}/`,
              header(request, 'x-forwarded-proto'),
              header(request, 'x-forwarded-host'),
            ),
            // Browsers send Accept-Language with the upgrade request; other clients may put it in connection params.
            acceptLanguage: param('Accept-Language') ?? header(request, 'accept-language'),
            auth,
            backlogBytes: () => socket.bufferedAmount,
          });
          return true;
        } catch (error) {
          if (error instanceof AuthError) return false;
          log.error({ err: error }, 'websocket connection_init failed');
          socket.close(1011, 'Unexpected error.');
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
          const { request, socket } = ctx.extra as Extra;
          const state = await operationState((ctx.extra as Extra).state!, payload.extensions);
          const initial: Record<string, unknown> & WithRequestState = { ...ctx, req: request, socket, params: payload, jiedaiRequest: state };
          const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped(initial);
          const document = parse(await documentFor(persisted, state.auth.credential, payload));
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          const contextValue = (await contextFactory()) as unknown as Context;
          if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
            const refused = await verifySubscriber(db, contextValue, subscriptionDb);
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
    // What each subscription was last *sent* (handed to the socket, so ahead of the close frame): recorded
    // from the outgoing `next` messages, not when an event is produced — one produced but not yet sent when
    // the server closes would otherwise be named in the close frame and skipped on resume.
    const send = socket.send.bind(socket);
    socket.send = ((data: unknown, ...rest: unknown[]) => {
      if (typeof data === 'string' && data.startsWith('{"id":"')) noteSent(socket, data);
      return (send as (...args: unknown[]) => void)(data, ...rest);
    }) as typeof socket.send;
    socket.removeAllListeners('error');
    socket.on('error', (error) => log.warn({ err: error }, 'websocket error'));
  });

  const noteSent = (socket: WebSocket, message: string) => {
    const id = /^\{"id":"([^"]+)","type":"(next|complete|error)"/.exec(message);
    if (!id) return;
    let mine = cursors.get(socket);
    if (id[2] !== 'next') {
      mine?.delete(id[1]!);
      return;
    }
    const cursor = /"cursor":"([^"]{1,40})"/.exec(message);
    if (!cursor) return;
    if (!mine) cursors.set(socket, (mine = new Map()));
    mine.set(id[1]!, cursor[1]!);
  };

  return {
    wsServer,
    close: async () => {
      for (const client of wsServer.clients) client.close(1001, shutdownReason(cursors.get(client)));
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

/**
 * The close frame's reason at shutdown: `Server shutting down`, then where each subscription of the socket
 * resumes — `; resume after <cursor>` for one, `; resume <id>=<cursor>,…` for several — as far as a close
 * reason's 123 bytes allow (a client also knows each cursor from the events it received).
 */
export function shutdownReason(cursors: Map<string, string> | undefined): string {
  const base = 'Server shutting down';
  if (!cursors?.size) return base;
  const fits = (text: string) => Buffer.byteLength(text) <= 123;
  if (cursors.size === 1) {
    const one = `${base}; resume after ${[...cursors.values()][0]}`;
    return fits(one) ? one : base;
  }
  let reason = `${base}; resume`;
  for (const [id, cursor] of cursors) {
    const next = `${reason}${reason.endsWith('resume') ? ' ' : ','}${id}=${cursor}`;
    if (!fits(next)) break;
    reason = next;
  }
  return reason.endsWith('resume') ? base : reason;
}
