// The SSRF guard of webhook targets. A tenant's admin chooses the URL our servers will POST to, so the URL
// must not reach into our own network: only https (http only to localhost, and only where allowed: development
// and tests), no credentials in the URL, and no private, loopback, link-local, shared (CGNAT), multicast or
// reserved address — every address the host name resolves to is checked, when the endpoint is saved and again
// at each send (the connection goes to the address that was checked, so DNS cannot change its answer in between).
// A tenant may be allowed private targets (an on-premises receiver) by the platform's configuration
// (WEBHOOKS_ALLOW_PRIVATE_TARGETS: tenant ids, or `*` for every tenant — tests and development machines).
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface WebhookSettings {
  /** http:// targets are allowed (to localhost only); off in production. */
  allowHttp: boolean;
  /** Tenants (ids) whose endpoints may reach private and loopback addresses; `*`: every tenant. */
  allowPrivateTargets: readonly string[] | '*';
  /** One attempt's time limit (connect, send, response). */
  timeoutMs: number;
  /** Consecutive failed attempts after which an endpoint is disabled. */
  maxAttempts: number;
  /** Backoff of retries: base × 2^(attempt − 1), at most `retryMaxMs`, with ±20 % jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How much of a response body is read (and kept in the delivery log). */
  responseBodyBytes: number;
}

/** The strict defaults (production): https only, no private targets. The gateway's config sets them (config.ts). */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowHttp: false,
  allowPrivateTargets: [],
  timeoutMs: 10_000,
  maxAttempts: 20,
  retryBaseMs: 5_000,
  retryMaxMs: 3_600_000,
  responseBodyBytes: 4_096,
};

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** Whether an address is not on the public internet (private, loopback, link-local, CGNAT, multicast, reserved). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

const LOCALHOST = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const isLocalhost = (hostname: string) => LOCALHOST.has(hostname.toLowerCase()) || hostname.toLowerCase().endsWith('.localhost');

export function mayReachPrivate(settings: WebhookSettings, tenantId: string): boolean {
  return settings.allowPrivateTargets === '*' || settings.allowPrivateTargets.includes(tenantId);
}

export class TargetRefused extends Error {
  override name = 'TargetRefused';
}

/** Checks a URL's form (scheme, credentials, host); the reason when refused. */
export function checkUrlForm(raw: string, settings: WebhookSettings): { url: URL } | { refused: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: 'is not an absolute URL' };
  }
  if (url.username || url.password) return { refused: 'must not carry credentials' };
  if (url.hash) return { refused: 'must not have a fragment' };
  if (url.protocol === 'http:') {
    if (!settings.allowHttp) return { refused: 'must use https' };
    if (!isLocalhost(url.hostname)) return { refused: 'must use https (http is allowed only to localhost in development)' };
  } else if (url.protocol !== 'https:') {
    return { refused: 'must use https' };
  }
  return { url };
}

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Every address `hostname` resolves to, refused if any is private and the tenant may not reach private targets. */
export async function resolveTarget(
  hostname: string,
  tenantId: string,
  settings: WebhookSettings,
  resolve: Resolve = systemResolve,
): Promise<{ address: string; family: number }[]> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  let addresses: { address: string; family: number }[];
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await resolve(bare);
    } catch (error) {
      throw new TargetRefused(`${bare} does not resolve (${(error as { code?: string }).code ?? 'DNS error'})`);
    }
  }
  if (addresses.length === 0) throw new TargetRefused(`${bare} does not resolve`);
  if (!mayReachPrivate(settings, tenantId)) {
    const inside = addresses.find((a) => isPrivateAddress(a.address));
    if (inside) throw new TargetRefused(`${bare} resolves to a private, loopback or reserved address (${inside.address})`);
  }
  return addresses;
}

/** The whole check of a target URL for a tenant: its form, then every address it resolves to. */
export async function checkTarget(raw: string, tenantId: string, settings: WebhookSettings, resolve?: Resolve): Promise<URL> {
  const form = checkUrlForm(raw, settings);
  if ('refused' in form) throw new TargetRefused(`The URL ${form.refused}`);
  await resolveTarget(form.url.hostname, tenantId, settings, resolve);
  return form.url;
}
