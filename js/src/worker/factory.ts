/**
 * Starting a database in a worker, on the page's side. Starts no host: the
 * worker runs `worker-entry.ts`. Loaded by `minivectordb/worker`, and on
 * first use by `MiniVectorDB.createInWorker` (a dynamic import, so the main
 * entry's module graph holds no Comlink).
 */
import type { CreateInWorkerOptions, OpenInWorkerOptions } from '../option-types.js';
import { WorkerMiniVectorDB } from './proxy.js';

/**
 * Creates an empty database inside a module Web Worker (in Node, a
 * `worker_threads` worker), so embedding, inserting and searching never
 * block the calling thread. The returned {@link WorkerMiniVectorDB}
 * implements the same `VectorDatabase` interface as `MiniVectorDB`; typed
 * errors arrive with the same class and `code`. `close()` also terminates the worker.
 * @param options - those of `MiniVectorDB.create` (structured-cloneable
 *   ones: no `logger` instance, no custom `Embedder` object), plus `worker`
 *   and `workerTimeoutMs` (see `WorkerOptions`).
 * @throws InvalidArgumentError on a bad option or one that cannot be sent to a worker; otherwise as `MiniVectorDB.create`.
 * @throws MiniVectorDBError (`'INTERNAL'`) when the worker cannot be started or dies.
 * @throws TimeoutError when the worker does not answer within `workerTimeoutMs` (default 30 s).
 * @example
 * ```ts
 * import { createInWorker } from 'minivectordb/worker';
 * const db = await createInWorker({ dim: 384, metric: 'cosine', storage: 'idb://notes' });
 * ```
 */
export function createInWorker(options: CreateInWorkerOptions = {}): Promise<WorkerMiniVectorDB> {
  return WorkerMiniVectorDB.create(options);
}

/**
 * Opens a saved snapshot inside a worker; see {@link createInWorker} and
 * `MiniVectorDB.open`. `idb://` snapshots saved on the page open in the
 * worker and vice versa (same origin, same IndexedDB).
 * @throws StorageError, SnapshotError — as `MiniVectorDB.open`.
 */
export function openInWorker(url: string, options: OpenInWorkerOptions = {}): Promise<WorkerMiniVectorDB> {
  return WorkerMiniVectorDB.open(url, options);
}
