// A private PostgreSQL cluster (initdb + pg_ctl) on a port of its own in a temporary directory, which a
// test may crash (`pg_ctl stop -m immediate`) and start again — never the machine's shared server.
import { spawn } from 'node:child_process';
import { freePort } from '@jiedai/testing';
import { serverDir, unprivileged } from './procs.ts';

export interface PrivatePostgres {
  port: number;
  /** A URL of `database` as the superuser `postgres` (trust authentication, loopback only). */
  url(database?: string): string;
  /** Stops it the hard way: every backend killed, no checkpoint (a crash; recovery on the next start). */
  crash(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...unprivileged() });
    let out = '';
    child.stdout!.on('data', (c) => (out += String(c)));
    child.stderr!.on('data', (c) => (out += String(c)));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

export async function startPostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const { dir, remove } = serverDir('jiedai-pg-');
  const data = `${dir}/data`;
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const start = () =>
    run('pg_ctl', [
      'start',
      '-D',
      data,
      '-w',
      '-t',
      '60',
      '-l',
      `${dir}/postgres.log`,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]).then(() => undefined);
  await start();
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    crash: () => run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).then(() => undefined),
    start,
    stop: async () => {
      await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
      remove();
    },
  };
}
