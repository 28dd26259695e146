// What the gateway knows of one request before GraphQL runs, in one typed object: who calls (the
// verified credential and the tenant's kind), the request id, the client's address, and (on a
// WebSocket) how much is queued for the client. The HTTP path fills it in `useHttpGuards` (onRequest)
// and puts it on yoga's server context; the WebSocket path fills it once per socket at
// connection_init from the real upgrade request and hands it to `yoga.getEnveloped` with each
// operation. The context factory (yoga.ts) and the plugins read it with `requestStateOf`, never from
// the Request object (a WebSocket operation has none).
import { randomUUID } from 'node:crypto';
import { anonymous, type RequestAuth } from './auth.ts';

export interface RequestState {
  readonly requestId: string;
  readonly clientAddress: string;
  /** The origin (scheme://host) the request came to: links to the gateway's own pages are made from it when no base URL is configured. */
  readonly origin?: string | undefined;
  /** The Accept-Language header (of the upgrade request on a WebSocket, or `Accept-Language` in connection params). */
  readonly acceptLanguage?: string | null | undefined;
  /** Anonymous until the credential is verified (before any GraphQL runs). */
  auth: RequestAuth;
  /** Bytes queued for this client and not yet sent (WebSocket only). */
  readonly backlogBytes?: (() => number) | undefined;
}

/** The property of yoga's (server) context that holds the state. */
export interface WithRequestState {
  jiedaiRequest?: RequestState | undefined;
}

export function requestStateOf(context: unknown): RequestState | undefined {
  return (context as WithRequestState | null | undefined)?.jiedaiRequest;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** The caller's X-Request-Id when it is a sane one, else a new UUID. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Behind a trusted reverse proxy the first X-Forwarded-For entry, else the socket's peer. */
export function clientAddressOf(trustProxy: boolean, forwardedFor: string | null | undefined, remoteAddress: string | undefined): string {
  return (trustProxy && forwardedFor?.split(',')[0]?.trim()) || remoteAddress || 'local';
}

/**
 * The origin the client used: behind a trusted reverse proxy from X-Forwarded-Proto/-Host, else the
 * request's own URL (its Host header). Only a fallback for links in mail when no *_LINK_BASE_URL is set.
 */
export function originOf(trustProxy: boolean, url: string, forwardedProto?: string | null, forwardedHost?: string | null): string | undefined {
  try {
    const own = new URL(url);
    const proto = (trustProxy && forwardedProto?.split(',')[0]?.trim()) || own.protocol.replace(/:$/, '');
    const host = (trustProxy && forwardedHost?.split(',')[0]?.trim()) || own.host;
    return /^https?$/.test(proto) && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `${proto}://${host}` : undefined;
  } catch {
    return undefined;
  }
}

export function newRequestState(fields: Omit<RequestState, 'auth'> & { auth?: RequestAuth }): RequestState {
  return { auth: anonymous, ...fields };
}
