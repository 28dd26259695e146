// One attempt of one delivery: a signed POST (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
// `webhook-signature`, HMAC-SHA256 by the `standardwebhooks` package), with the SSRF guard applied again at
// connect time (the socket goes to the address that was checked), a time limit on the whole attempt, no
// redirects followed, and at most `responseBodyBytes` of the answer read.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { checkUrlForm, resolveTarget, TargetRefused, type Resolve, type WebhookSettings } from './webhook.guard.ts';

export interface Attempt {
  /** A 2xx answer. */
  ok: boolean;
  status: number | null;
  latencyMs: number;
  body: string | null;
  error: string | null;
}

/** The `webhook-signature` value: one `v1,<base64>` per valid secret, space-separated (the current first). */
export function signatureHeader(secrets: readonly string[], msgId: string, at: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(msgId, at, body)).join(' ');
}

export interface SendOptions {
  url: string;
  tenantId: string;
  msgId: string;
  body: string;
  secrets: readonly string[];
  settings: WebhookSettings;
  resolve?: Resolve;
  now?: () => Date;
}

export async function sendWebhook(options: SendOptions): Promise<Attempt> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const form = checkUrlForm(options.url, options.settings);
  if ('refused' in form) return { ok: false, status: null, latencyMs: 0, body: null, error: `Refused: the URL ${form.refused}` };
  const url = form.url;
  const at = options.now?.() ?? new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Jiedai-Webhooks/1.0',
    'webhook-id': options.msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatureHeader(options.secrets, options.msgId, at, options.body),
    'content-length': String(Buffer.byteLength(options.body)),
  };
  // The connection's address is the one the guard checked (no second DNS answer in between).
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveTarget(hostname, options.tenantId, options.settings, options.resolve).then(
      (addresses) => {
        if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: typeof addresses) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
  const transport = url.protocol === 'https:' ? https : http;
  const cap = options.settings.responseBodyBytes;
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const finish = (attempt: Omit<Attempt, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...attempt, latencyMs: elapsed() });
    };
    const request = transport.request(url, { method: 'POST', headers, lookup, agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const body = Buffer.concat(chunks).subarray(0, cap).toString('utf8');
        const ok = status >= 200 && status < 300;
        finish({ ok, status, body, error: ok ? null : `HTTP ${status}` });
        request.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        if (size >= cap) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= cap) done();
      });
      response.on('end', done);
      response.on('error', (error) => finish({ ok: false, status, body: null, error: error.message }));
    });
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, body: null, error: `Timed out after ${options.settings.timeoutMs} ms` });
      request.destroy();
    }, options.settings.timeoutMs);
    request.on('error', (error) => {
      const cause = error instanceof TargetRefused ? `Refused: ${error.message}` : `${(error as NodeJS.ErrnoException).code ?? 'ERROR'}: ${error.message}`;
      finish({ ok: false, status: null, body: null, error: cause.slice(0, 2000) });
    });
    request.end(options.body);
  });
}
