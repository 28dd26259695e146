// Persisted operations (trusted documents, modules/core/persisted-operations, 0025_partner_integration.sql).
// A request names a registered document by its SHA-256 — `extensions: { persistedQuery: { version: 1,
// sha256Hash } }` (Apollo's convention) or `documentId: "sha256:<hash>"` (GraphQL-over-HTTP's persisted
// documents) — instead of sending its text; the document is the tenant's (the credential's tenant, verified
// before). Sending text instead is refused (PERSISTED_OPERATION_REQUIRED, 403) for an API key held to persisted
// operations, and for a tenant's signed-in members when the tenant says so; callers acting in no tenant
// (sign-in, survey respondents) always send text. Over HTTP through @graphql-yoga/plugin-persisted-operations;
// over graphql-ws the same rules in websocket.ts (`documentFor`). Documents and policies are cached for
// PERSISTED_CACHE_MS and dropped when any tenant's list or policy changes (PERSISTED_OPERATIONS_TOPIC).
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Logger } from 'pino';
import type { PrismaClient } from '@jiedai/db';
import { PERSISTED_OPERATIONS_TOPIC, type Credential, type EventBus } from '@jiedai/schema';
import { requestStateOf } from '../request-state.ts';

export const PERSISTED_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
const HASH = /^[0-9a-f]{64}$/;

export interface PersistedOperationStore {
  /** The tenant's document of that hash, or null. */
  document(tenantId: string, hash: string): Promise<string | null>;
  /** Whether this caller of the tenant may send a document's text (an API key: its secret's hash). */
  arbitraryAllowed(tenantId: string, apiKeyHash: string | null): Promise<boolean>;
  /** The same answer when it is cached (no promise on the hot path), else undefined. */
  arbitraryAllowedCached(tenantId: string, apiKeyHash: string | null): boolean | undefined;
  close(): void;
}

/** A caller's policy in the cache: the tenant and the API key's hash ("-" for the tenant's members). */
const policyKey = (tenantId: string, apiKeyHash: string | null) => `${tenantId} ${apiKeyHash ?? '-'}`;

export function createPersistedOperationStore(prisma: PrismaClient, events: EventBus, log: Logger): PersistedOperationStore {
  const documents = new Map<string, { document: string | null; until: number }>();
  const policies = new Map<string, { allowed: boolean; until: number }>();
  let closed = false;
  const changes = events.subscribe(PERSISTED_OPERATIONS_TOPIC)[Symbol.asyncIterator]();
  void (async () => {
    try {
      while (!closed) {
        const next = await changes.next();
        if (next.done) return;
        documents.clear();
        policies.clear();
      }
    } catch (error) {
      if (!closed) log.warn({ err: error }, 'persisted operations: listening for changes failed');
    }
  })();
  async function cached<T>(cache: Map<string, { until: number } & T>, key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit;
    const value = await load();
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { ...value, until: now + PERSISTED_CACHE_MS });
    return value;
  }
  return {
    async document(tenantId, hash) {
      if (!HASH.test(hash)) return null;
      return (
        await cached(documents, `${tenantId} ${hash}`, async () => {
          const rows = await prisma.$queryRaw<{ document: string | null }[]>`SELECT persisted_operation_document(${tenantId}::uuid, ${hash}) AS document`;
          return { document: rows[0]?.document ?? null };
        })
      ).document;
    },
    async arbitraryAllowed(tenantId, apiKeyHash) {
      return (
        await cached(policies, policyKey(tenantId, apiKeyHash), async () => {
          const rows = await prisma.$queryRaw<{ allowed: boolean }[]>`SELECT arbitrary_operations_allowed(${tenantId}::uuid, ${apiKeyHash}) AS allowed`;
          return { allowed: rows[0]?.allowed === true };
        })
      ).allowed;
    },
    arbitraryAllowedCached(tenantId, apiKeyHash) {
      const hit = policies.get(policyKey(tenantId, apiKeyHash));
      return hit && hit.until > Date.now() ? hit.allowed : undefined;
    },
    close() {
      closed = true;
      void changes.return?.();
    },
  };
}

/** The hash a request names: `extensions.persistedQuery.sha256Hash` (version 1) or `documentId: "sha256:<hash>"`. */
export function persistedHashOf(params: { extensions?: unknown; documentId?: unknown }): string | null {
  const pq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  if (pq && pq.version === 1 && typeof pq.sha256Hash === 'string') return pq.sha256Hash.toLowerCase();
  const id = params.documentId;
  if (typeof id === 'string') return (id.startsWith('sha256:') ? id.slice(7) : id).toLowerCase();
  return null;
}

export const notFound = () =>
  new GraphQLError('PersistedQueryNotFound', {
    extensions: {
      code: 'PERSISTED_QUERY_NOT_FOUND',
      detail: 'No persisted operation of this tenant has that hash: register it (registerPersistedOperations), or send the document.',
    },
  });

export const required = () =>
  new GraphQLError("This caller may run only the tenant's persisted operations: send the document's hash, not its text.", {
    extensions: { code: 'PERSISTED_OPERATION_REQUIRED', http: { status: 403 } },
  });

const tenantOf = (credential: Credential) => (credential.type === 'apiKey' || credential.type === 'user' ? credential.tenantId : null);

/** Refuses a document's text from a caller held to persisted operations. */
export async function checkArbitrary(store: PersistedOperationStore, credential: Credential): Promise<void> {
  const tenantId = tenantOf(credential);
  if (!tenantId) return;
  const allowed = await store.arbitraryAllowed(tenantId, credential.type === 'apiKey' ? credential.secretHash : null);
  if (!allowed) throw required();
}

/** The document text to run for a request's params (WebSocket path): the persisted one, or the text sent if allowed. */
export async function documentFor(
  store: PersistedOperationStore,
  credential: Credential,
  params: { query?: unknown; extensions?: unknown; documentId?: unknown },
): Promise<string> {
  if (typeof params.query === 'string' && params.query.length > 0) {
    await checkArbitrary(store, credential);
    return params.query;
  }
  const hash = persistedHashOf(params);
  const tenantId = tenantOf(credential);
  const document = hash && tenantId ? await store.document(tenantId, hash) : null;
  if (!document) throw notFound();
  return document;
}

/** HTTP and SSE: the policy, then yoga's persisted-operations plugin resolving hashes to the tenant's documents. */
export function usePersistedDocuments(store: PersistedOperationStore): Plugin[] {
  const policy: Plugin = {
    onParams({ params, context }) {
      if (!params.query) return;
      const credential = requestStateOf(context)?.auth.credential;
      if (!credential) return;
      // Most requests: the caller's policy is cached and allows text; answer without a promise.
      const tenantId = tenantOf(credential);
      if (!tenantId) return;
      if (store.arbitraryAllowedCached(tenantId, credential.type === 'apiKey' ? credential.secretHash : null) === true) return;
      return checkArbitrary(store, credential) as never;
    },
  };
  return [
    policy,
    usePersistedOperations({
      // The policy above has decided already.
      allowArbitraryOperations: true,
      extractPersistedOperationId: (params) => persistedHashOf(params as { extensions?: unknown; documentId?: unknown }),
      getPersistedOperation: async (hash, _request, context) => {
        const credential = requestStateOf(context)?.auth.credential;
        const tenantId = credential && tenantOf(credential);
        return tenantId ? store.document(tenantId, hash) : null;
      },
      customErrors: {
        notFound: () => notFound(),
        keyNotFound: () => new GraphQLError('Must provide query string.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } }),
      },
    }),
  ];
}
