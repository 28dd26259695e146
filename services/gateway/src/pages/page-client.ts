// What the hosted pages share: they are clients of the public GraphQL API, asked in-process through
// `yoga.fetch` as the person on the page (their address and request id, so limits and logs are theirs),
// and they read plain HTML form posts.
import type { IncomingMessage } from 'node:http';
import type { GatewayYoga } from '../yoga.ts';

export interface PageOptions {
  yoga: GatewayYoga;
  maxBodyBytes: number;
}

/** The shape of the secrets in page URLs (respondent tokens, complaint codes): anything else is not looked up. */
export const PAGE_TOKEN = /^[A-Za-z0-9_-]{16,200}$/;

// biome-ignore lint/suspicious/noExplicitAny: the page reads the API's JSON answer, whose shape the query names.
type Json = any;

/** Runs an operation on the gateway's own yoga, as the respondent (their address, their request id). */
export function apiClient(req: IncomingMessage, yoga: GatewayYoga) {
  return async (query: string, variables: Record<string, unknown>): Promise<Json> => {
    const body = JSON.stringify({ query, variables });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    for (const name of ['x-forwarded-for', 'x-request-id', 'accept-language']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const response = await yoga.fetch('http://gateway.internal/graphql', { method: 'POST', headers, body }, { req });
    const json = (await response.json()) as { data?: Json; errors?: { extensions?: { code?: string } }[] };
    if (json.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED')) return 'RATE_LIMITED';
    return json.data ?? null;
  };
}

/** The form body, or null when it is over the limit. */
export async function readForm(req: IncomingMessage, limit: number): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function acceptLanguage(req: IncomingMessage): string | null {
  const value = req.headers['accept-language'];
  return typeof value === 'string' ? (value.split(',')[0]?.trim() ?? null) : null;
}
