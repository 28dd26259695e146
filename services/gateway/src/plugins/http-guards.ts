// Before GraphQL: liveness and readiness probes, the request's state (request-state.ts: its id, the
// client's address, who calls), the request body limit, and authentication (an invalid credential is
// refused with 401/403 before any parsing). Anything else that fails here (the database unreachable
// while the tenant's kind is looked up) is masked like an execution error: 500 with "Unexpected
// error." and the request id, the cause in the log only.
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, isPoolExhausted, type Database } from '@jiedai/db';
import { AuthError, type Authenticator } from '../auth.ts';
import { negotiateLanguage } from '@jiedai/schema';
import { topLevelMessage } from './error-language.ts';
import { isUploadPath } from '../evidence/paths.ts';
import { clientAddressOf, newRequestState, originOf, requestIdFrom, requestStateOf, type WithRequestState } from '../request-state.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** The body of every unexpected failure outside execution (as yoga masks those inside it). */
export const maskedFailure = (requestId: string) =>
  json(
    500,
    { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] },
    {
      'x-request-id': requestId,
    },
  );

export function useHttpGuards(options: {
  db: Database;
  authenticator: Authenticator;
  maxBodyBytes: number;
  /** Behind a reverse proxy: the client address is the first X-Forwarded-For entry. */
  trustProxy: boolean;
  log: Logger;
  /** Pings Redis (when configured), for the readiness probe; fails fast when Redis is unavailable. */
  redis?: (() => Promise<void>) | undefined;
  /** True once the gateway is shutting down (app.close()). */
  draining?: () => boolean;
}): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname === '/healthz') return endResponse(json(200, { status: 'ok' }));
      if (url.pathname === '/readyz') {
        // Shutting down: the load balancer must stop sending at once (in-flight requests still finish).
        if (options.draining?.()) return endResponse(json(503, { status: 'draining' }));
        // Redis (when configured) is reported, but the gateway serves without it: rate limits are then
        // counted per process and events reach this process's subscribers (and the event log) only.
        const [database, redis] = await Promise.allSettled([options.db.ping(), options.redis?.()]);
        const redisReport = !options.redis
          ? {}
          : redis.status === 'fulfilled'
            ? { redis: 'ok' }
            : {
                redis: 'unavailable',
                reason: 'Redis is unreachable: rate limits are counted per process and events are not shared with other gateway processes',
              };
        if (database.status === 'rejected') return endResponse(json(503, { status: 'unavailable', database: options.db.kind, ...redisReport }));
        return endResponse(json(200, { status: redis.status === 'rejected' ? 'degraded' : 'ready', database: options.db.kind, ...redisReport }));
      }
      const { req } = serverContext as { req?: { socket?: { remoteAddress?: string } } };
      const state = newRequestState({
        requestId: requestIdFrom(request.headers.get('x-request-id')),
        clientAddress: clientAddressOf(options.trustProxy, request.headers.get('x-forwarded-for'), req?.socket?.remoteAddress),
        origin: originOf(options.trustProxy, request.url, request.headers.get('x-forwarded-proto'), request.headers.get('x-forwarded-host')),
        acceptLanguage: request.headers.get('accept-language'),
      });
      (serverContext as WithRequestState).jiedaiRequest = state;
      const { requestId } = state;
      // An evidence upload's body is limited by its upload (plugins/evidence-files.ts), not by MAX_BODY_BYTES.
      if (request.method === 'POST' && !isUploadPath(url.pathname)) {
        const length = Number(request.headers.get('content-length') ?? NaN);
        if (Number.isNaN(length) && request.headers.get('transfer-encoding')) {
          return endResponse(json(411, { errors: [{ message: 'Content-Length required', extensions: { code: 'LENGTH_REQUIRED' } }] }));
        }
        if (length > options.maxBodyBytes) {
          return endResponse(
            json(413, {
              errors: [{ message: `Request body over ${options.maxBodyBytes} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE', max: options.maxBodyBytes } }],
            }),
          );
        }
      }
      try {
        state.auth = await options.authenticator.authenticate(request.headers.get('authorization'), request.headers.get('x-tenant-id'));
      } catch (error) {
        if (isPoolExhausted(error) || isDatabaseUnavailable(error)) {
          // Every pooled connection stayed busy (or the database was away) while the tenant's kind was looked up: retry.
          return endResponse(
            json(
              503,
              { errors: [{ message: 'The service is busy: retry in a moment.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
              {
                'x-request-id': requestId,
                'retry-after': '1',
              },
            ),
          );
        }
        if (!(error instanceof AuthError)) {
          options.log.error({ err: error, requestId }, 'request failed before execution');
          return endResponse(maskedFailure(requestId));
        }
        const status = (error.extensions.http as { status: number }).status;
        return endResponse(
          json(
            status,
            {
              errors: [
                {
                  message: topLevelMessage(error.extensions.code, error.message, negotiateLanguage(state.acceptLanguage)),
                  extensions: { code: error.extensions.code },
                },
              ],
            },
            {
              'x-request-id': requestId,
            },
          ),
        );
      }
    },
    onResponse({ response, serverContext }) {
      const id = requestStateOf(serverContext)?.requestId;
      if (id) response.headers.set('x-request-id', id);
    },
  };
}
