/**
 * The targets every suite runs on, as PGlite runs `tests(env, dbFilename,
 * target)` per runtime and storage: {page, worker} × {memory, file, idb}.
 * A target makes and opens databases on its host, names storage URLs of its
 * backend, and reads or writes the raw bytes behind a URL (where the
 * database itself would, so a test can plant a damaged snapshot).
 *
 * - page: `MiniVectorDB.create` / `open` on this thread.
 * - worker: `createInWorker` / `openInWorker`, every database of the target
 *   in one shared `worker_threads` thread (`host-thread.mjs`, handed over
 *   through the `worker` option), which installs fake-indexeddb before the
 *   worker code loads. memory:// and idb:// live in the worker's realm, so a
 *   snapshot saved by one worker database can be opened by the next only
 *   if both run in the same thread (in a browser, IndexedDB is shared by the
 *   origin's workers); for file:// it saves a thread start per database
 *   (~0.5 s: the module is compiled again), dozens per suite. The packaged
 *   worker's own start-up (one thread per database) is tested in
 *   worker.test.ts, worker-robust.test.ts and tests/package.
 * - idb in Node: fake-indexeddb, in this thread for the page and in the
 *   shared thread for the worker.
 */
import { createHash } from 'node:crypto';
import { MiniVectorDB, type CreateOptions, type OpenOptions, type WorkerMiniVectorDB } from 'minivectordb';
import { tempDir } from '../helpers.js';
import { SharedHostThread } from './shared-thread.js';

/** What a suite may call: the surface the page class and the worker proxy share (every call awaited). */
export type Database = MiniVectorDB | WorkerMiniVectorDB;

export type Host = 'page' | 'worker';
export type Backend = 'memory' | 'file' | 'idb' | 'opfs';

export interface Target {
  /** e.g. `page × memory`. */
  readonly name: string;
  readonly host: Host;
  readonly backend: Backend;
  create(options: CreateOptions): Promise<Database>;
  open(url: string, options?: OpenOptions): Promise<Database>;
  /** A storage URL of this backend, distinct per `name`. */
  url(name: string): string;
  /** The bytes saved at `url`, read where the database reads them. */
  readRaw(url: string): Promise<Uint8Array>;
  /** Stores `bytes` at `url` where the database would look for them. */
  writeRaw(url: string, bytes: Uint8Array): Promise<void>;
  /** Called once before the suites (beforeAll), and after them (afterAll). */
  setup(): Promise<void>;
  cleanup(): Promise<void>;
}

/** The library's storage adapters on this thread (the same module instances the package uses). */
async function pageStorage(url: string): Promise<{ read(): Promise<Uint8Array>; write(bytes: Uint8Array): Promise<void> }> {
  const { openStorage } = await import('../../../dist/storage/index.js');
  return openStorage(url);
}

export function makeTarget(host: Host, backend: Backend): Target {
  let tmp: Awaited<ReturnType<typeof tempDir>> | undefined;
  let shared: SharedHostThread | undefined;
  const run = `${host}-${backend}-${process.pid}`;

  const thread = (): SharedHostThread => {
    if (shared === undefined) throw new Error('target used before setup()');
    return shared;
  };

  return {
    name: `${host} × ${backend}`,
    host,
    backend,
    async setup() {
      // The library looks for IndexedDB when it first touches idb://.
      if (host === 'page' && backend === 'idb') await import('fake-indexeddb/auto');
      if (backend === 'file') tmp = await tempDir();
      if (host === 'worker') shared = new SharedHostThread();
    },
    async cleanup() {
      await shared?.stop();
      await tmp?.cleanup();
    },
    create(options) {
      if (host === 'page') return MiniVectorDB.create(options);
      return MiniVectorDB.createInWorker({ ...options, worker: thread().worker() as Worker });
    },
    open(url, options = {}) {
      if (host === 'page') return MiniVectorDB.open(url, options);
      return MiniVectorDB.openInWorker(url, { ...options, worker: thread().worker() as Worker });
    },
    url(name) {
      if (backend === 'file') {
        if (tmp === undefined) throw new Error('target used before setup()');
        return tmp.url(`${name}.mvdb`);
      }
      return `${backend}://${run}-${name}`;
    },
    async readRaw(url) {
      if (shared !== undefined) return shared.raw.read(url);
      return (await pageStorage(url)).read();
    },
    async writeRaw(url, bytes) {
      if (shared !== undefined) return shared.raw.write(url, bytes);
      return (await pageStorage(url)).write(bytes);
    },
  };
}

/** SHA-256 of bytes, short enough to compare and print. */
export function digest(bytes: Uint8Array): string {
  return `${bytes.byteLength} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;
}
