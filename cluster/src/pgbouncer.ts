// A private PgBouncer (Debian's, 1.18) in transaction pooling in front of a PostgreSQL server: every
// database name is passed through to the server, users authenticate with trust (the server decides),
// and the server connections are few and shared, so the gateways' transactions interleave on them.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@jiedai/testing';
import { serverDir, startServer, type ServerProcess } from './procs.ts';

export interface PgBouncer {
  port: number;
  /** `url` (a PostgreSQL URL) with its host and port replaced by the pooler's. */
  through(url: string, user?: string): string;
  process: ServerProcess;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** The server PgBouncer connects to (default 127.0.0.1:5432). */
  serverPort?: number;
  /** Server connections per (database, user) pair: small, so that clients share them (default 4). */
  poolSize?: number;
  /** Users allowed through (default jiedai_app and postgres). */
  users?: string[];
}

export async function startPgBouncer(options: PgBouncerOptions = {}): Promise<PgBouncer> {
  const port = await freePort();
  const { dir, remove } = serverDir('jiedai-pgbouncer-');
  const users = options.users ?? ['jiedai_app', 'postgres'];
  writeFileSync(path.join(dir, 'userlist.txt'), `${users.map((u) => `"${u}" ""`).join('\n')}\n`, { mode: 0o644 });
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${options.serverPort ?? 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 4}`,
      'max_client_conn = 1000',
      // PostgreSQL restarted under it: retry the server soon, and do not keep clients waiting forever.
      'server_login_retry = 1',
      'query_wait_timeout = 30',
      'ignore_startup_parameters = extra_float_digits',
      'admin_users = postgres',
      'stats_users = postgres',
      'logfile =',
      'verbose = 0',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  // Debian puts it in /usr/sbin, which an ordinary user's PATH lacks.
  const binary = existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';
  const process = await startServer('pgbouncer', binary, [path.join(dir, 'pgbouncer.ini')], /process up|listening on/i, { asServerUser: true });
  return {
    port,
    process,
    through: (url, user) => {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      if (user) u.username = user;
      return u.toString();
    },
    stop: async () => {
      await process.kill('SIGINT');
      remove();
    },
  };
}
