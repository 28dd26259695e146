// Where evidence files are kept: one interface (EvidenceStore), a filesystem store by default. An upload
// is written to a pending object first and becomes visible under its key only on commit(), so a refused or
// broken upload leaves nothing behind. The S3-compatible store (s3-store.ts) implements the same interface.
import { createReadStream } from 'node:fs';
import { mkdir, open as openFile, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';

export interface PendingObject {
  /** Appends bytes (resolves once they are written: the caller reads the next chunk only then). */
  write(chunk: Uint8Array): Promise<void>;
  /** What was written so far, from the start (for the virus scan, before commit). */
  read(): Readable;
  /** Makes the object visible under its key. */
  commit(): Promise<void>;
  /** Drops what was written; nothing is kept. Safe to call after a failure, and twice. */
  abort(): Promise<void>;
}

export interface StoredObject {
  body: ReadableStream<Uint8Array>;
  size: number;
}

export interface EvidenceStore {
  /** Names the store in logs ("filesystem"). */
  readonly kind: string;
  /** Starts writing the object `key` (`<tenant id>/<file id>`). */
  begin(key: string): Promise<PendingObject>;
  /** The object's bytes, or null when there is none. */
  open(key: string): Promise<StoredObject | null>;
  /** Removes the object; an absent one is no error. */
  remove(key: string): Promise<void>;
  /** Removes uploads staged before `before` and never committed (a process killed mid-upload); returns how many. */
  removeStaged?(before: Date): Promise<number>;
  /** Lets go of connections (when the gateway closes). */
  close?(): void;
}

const KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`Not an evidence storage key: ${key}`);
  return key;
}

/** A local file that an upload is written to before it is kept (and read back for the virus scan). */
export interface StagedFile {
  path: string;
  write(chunk: Uint8Array): Promise<void>;
  read(): Readable;
  /** Flushes and closes it (then it can be moved or sent). */
  close(): Promise<void>;
  drop(): Promise<void>;
}

export async function stageFile(dir: string): Promise<StagedFile> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomBytes(12).toString('hex')}.part`);
  let handle: FileHandle | undefined = await openFile(file, 'wx', 0o600);
  const close = async () => {
    const h = handle;
    handle = undefined;
    if (!h) return;
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  };
  return {
    path: file,
    async write(chunk) {
      if (!handle) throw new Error('The staged file is closed');
      let offset = 0;
      while (offset < chunk.byteLength) offset += (await handle.write(chunk, offset, chunk.byteLength - offset)).bytesWritten;
    },
    read: () => createReadStream(file),
    close,
    async drop() {
      await close().catch(() => undefined);
      await rm(file, { force: true });
    },
  };
}

/** Removes the staged uploads (`*.part`) in `dir` last written before `before`. */
export async function removeStagedFiles(dir: string, before: Date): Promise<number> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  let removed = 0;
  for (const name of names) {
    if (!/^[0-9a-f]{24}\.part$/.test(name)) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || info.mtime >= before) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

/**
 * Files under `root`: `<root>/<tenant id>/<file id>`, uploads in progress under `<root>/.incoming/` (the
 * same file system, so commit is an atomic rename). Keys are made by the gateway, never by a client.
 */
export function filesystemStore(root: string): EvidenceStore {
  const incoming = path.join(root, '.incoming');
  const target = (key: string) => path.join(root, ...checkKey(key).split('/'));
  return {
    kind: 'filesystem',
    async begin(key) {
      const final = target(key);
      const staged = await stageFile(incoming);
      let done = false;
      return {
        write: staged.write,
        read: staged.read,
        async commit() {
          await staged.close();
          await mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
          await rename(staged.path, final);
          done = true;
        },
        async abort() {
          if (done) return;
          done = true;
          await staged.drop();
        },
      };
    },
    async open(key) {
      const file = target(key);
      const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      if (!info?.isFile()) return null;
      return { body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, size: info.size };
    },
    async remove(key) {
      await rm(target(key), { force: true });
    },
    removeStaged: (before) => removeStagedFiles(incoming, before),
  };
}
