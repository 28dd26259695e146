// A private redis-server on a port of its own (never the machine's shared one), which a test can kill
// and start again on the same port.
import { freePort } from '@jiedai/testing';
import { serverDir, startServer, type ServerProcess } from './procs.ts';

export interface PrivateRedis {
  port: number;
  url: string;
  running(): boolean;
  /** Kills it at once (SIGKILL: a crash, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was saved). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const { dir, remove } = serverDir('jiedai-redis-');
  let server: ServerProcess | null = null;
  const start = async () => {
    server = await startServer(
      'redis-server',
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      /Ready to accept connections/,
    );
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => server !== null && server.exitCode() === null,
    kill: async () => {
      await server?.kill('SIGKILL');
      server = null;
    },
    start,
    stop: async () => {
      await server?.kill('SIGKILL');
      server = null;
      remove();
    },
  };
}
