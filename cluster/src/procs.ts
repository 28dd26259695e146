// Private servers for the cluster suite (test:cluster): each on a free port of its own, in a temporary
// directory, started and stopped by the test that needs it — never the machine's shared services.
// PgBouncer and PostgreSQL refuse to run as root: as root they run as the `postgres` user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ServerProcess {
  readonly name: string;
  /** Everything the process wrote (stdout and stderr), for failure messages. */
  readonly output: string[];
  /** null while it runs. */
  exitCode(): number | null;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** uid/gid of `postgres` when this process is root (PgBouncer, initdb and postgres refuse root). */
export function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A temporary directory the server's user may write. */
export function serverDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const user = unprivileged();
  if (user) chownSync(dir, user.uid, user.gid);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Spawns `command` and resolves once `ready` matches its output (or rejects when it exits first or
 * `timeoutMs` passes).
 */
export function startServer(
  name: string,
  command: string,
  args: string[],
  ready: RegExp,
  options: { asServerUser?: boolean; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const user = options.asServerUser ? unprivileged() : undefined;
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, ...user });
  const output: string[] = [];
  let code: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (c, signal) => {
      code = c ?? (signal ? 128 : 1);
      resolve();
    }),
  );
  const server: ServerProcess = {
    name,
    output,
    exitCode: () => code,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (code !== null) return;
      child.kill(signal);
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void server.kill();
      reject(new Error(`${name} did not start:\n${output.join('')}`));
    }, options.timeoutMs ?? 20_000);
    const seen = (chunk: Buffer) => {
      output.push(String(chunk));
      if (output.length > 500) output.shift();
      if (ready.test(output.join(''))) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${output.join('')}`));
    });
  });
}
