// The cluster most tests of this suite run: a private PgBouncer (transaction pooling) in front of the
// run's database, a private redis-server, and gateway processes configured as in production behind a
// pooler (DATABASE_POOLER=transaction, the app role through PgBouncer, the owner on the direct URL).
import { inject } from 'vitest';
import { ownerQuery, rawId, unique } from '@jiedai/testing';
import { startPgBouncer, type PgBouncer } from './pgbouncer.ts';
import { startRedis, type PrivateRedis } from './redis.ts';
import { startGatewayProcess, type GatewayProcess } from './gateways.ts';

export interface Cluster {
  bouncer: PgBouncer;
  redis: PrivateRedis;
  redisPrefix: string;
  gateways: GatewayProcess[];
  /** The environment every gateway of this cluster gets (plus `extra`). */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Starts another gateway process of the cluster. */
  addGateway(name: string, extra?: Record<string, string>): Promise<GatewayProcess>;
  stop(): Promise<void>;
}

export async function startCluster(options: { gateways?: number; poolSize?: number; env?: Record<string, string> } = {}): Promise<Cluster> {
  const bouncer = await startPgBouncer({ poolSize: options.poolSize ?? 4 });
  const redis = await startRedis();
  const redisPrefix = unique('cluster');
  const direct = inject('databaseUrl');
  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: bouncer.through(direct, 'jiedai_app'),
    DATABASE_POOLER: 'transaction',
    DATABASE_DIRECT_URL: direct,
    DB_POOL_SIZE: '6',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redisPrefix,
    ...options.env,
    ...extra,
  });
  const gateways: GatewayProcess[] = [];
  const cluster: Cluster = {
    bouncer,
    redis,
    redisPrefix,
    gateways,
    env,
    addGateway: async (name, extra) => {
      const g = await startGatewayProcess(name, env(extra));
      gateways.push(g);
      return g;
    },
    stop: async () => {
      await Promise.all(gateways.map((g) => g.stop(5_000)));
      await redis.stop();
      await bouncer.stop();
    },
  };
  try {
    const started = await Promise.all(Array.from({ length: options.gateways ?? 2 }, (_, i) => startGatewayProcess(`gateway-${i + 1}`, env())));
    gateways.push(...started);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

export interface TaskEvent {
  cursor: string;
  kind: string;
  task: { id: string; title: string };
}

export const TASK_EVENT_FIELDS = 'cursor kind task { id title }';
export const TASK_FEED = `subscription($after: String) { taskChanged(after: $after) { ${TASK_EVENT_FIELDS} } }`;
export const CREATE_TASK = `mutation($i: CreateTaskInput!) { createTask(input: $i) {
  __typename ... on TaskPayload { task { id title } } ... on Error { message } } }`;

/** The tenant's latest event seq (the cursor of "now"). */
export async function currentSeq(tenantId: string): Promise<string> {
  const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [tenantId]);
  return row?.seq ?? '0';
}

/** The tenant's committed task events after a cursor, as the owner sees them: (cursor, task id). */
export async function committedTaskEvents(tenantId: string, after: string): Promise<{ cursor: string; taskId: string }[]> {
  const rows = await ownerQuery<{ cursor: string; task_id: string }>(
    `SELECT seq::text AS cursor, payload->'task'->>'id' AS task_id FROM event_log WHERE tenant_id = $1 AND topic = 'task' AND seq > $2::bigint ORDER BY seq`,
    [tenantId, after],
  );
  return rows.map((r) => ({ cursor: r.cursor, taskId: r.task_id }));
}

/** Events lost (committed, never received) and duplicates (received more than once), by cursor. */
export function tally(committed: { cursor: string }[], received: { cursor: string }[]): { lost: number; duplicates: number; foreign: number } {
  const seen = new Map<string, number>();
  for (const e of received) seen.set(e.cursor, (seen.get(e.cursor) ?? 0) + 1);
  const want = new Set(committed.map((e) => e.cursor));
  return {
    lost: committed.filter((e) => !seen.has(e.cursor)).length,
    duplicates: [...seen.values()].reduce((n, count) => n + count - 1, 0),
    // Received but not a committed event of this tenant (another tenant's, or made up).
    foreign: [...seen.keys()].filter((c) => !want.has(c)).length,
  };
}

export { rawId };
