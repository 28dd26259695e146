// What the harness runs against and with: the local PostgreSQL and Redis, a fresh database per run,
// the JWT secret both the gateway and the harness use. Overridable from the environment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = path.join(ROOT, 'bench');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DB_NAME = process.env.BENCH_DB ?? 'jiedai_bench';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name = DB_NAME): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const JWT = {
  secret: 'bench-secret-of-at-least-thirty-two-characters-0123456789',
  issuer: 'jiedai',
  audience: 'jiedai-api',
};

/** Pool size of each gateway process and of the baseline server (same for both). */
export const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 10);
