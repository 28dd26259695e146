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
import { clientAddressOf, newRequestState, requestIdFrom, type RequestState, type WithRequestState } from './request-state.ts';
import { verifySubscriber } from './plugins/tenant-transaction.ts';
import type { GatewayYoga } from './yoga.ts';

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
}

/** What onSubscribe hands on as the root value: this operation's enveloped execute and subscribe. */
type Enveloped = Pick<ReturnType<GatewayYoga['getEnveloped']>, 'execute' | 'subscribe'>;

interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
  state?: RequestState;
}

export function attachWebSocket({ server, yoga, db, config, log, authenticator }: WebSocketOptions): WebSocketAttachment {
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
  const header = (request: IncomingMessage, name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const disposable = useServer<Record<string, unknown>, Partial<Extra>>(
    {
      // Whatever throws here would close the whole socket with 4500: it becomes this operation's error.
      execute: async (args: ExecutionArgs) => {
        try {
          return await (args.rootValue as Enveloped).execute(args);
        } catch (error) {
          return { errors: [failure(error, 'operation')] };
        }
      },
      subscribe: async (args: ExecutionArgs) => {
        try {
          return await (args.rootValue as Enveloped).subscribe(args);
        } catch (error) {
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
          const { request, socket, state } = ctx.extra as Extra;
          const initial: Record<string, unknown> & WithRequestState = { ...ctx, req: request, socket, params: payload, jiedaiRequest: state };
          const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped(initial);
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

  return {
    wsServer,
    close: async () => {
      for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
