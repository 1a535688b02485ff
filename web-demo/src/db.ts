/**
 * The demo's one door to the database, which runs in a module Web Worker
 * (`createInWorker` / `openInWorker` of `minivectordb/worker`: comlink under
 * the hood) so that embedding tens of thousands of texts never blocks the
 * page. The rest of the demo talks to {@link DemoDb} only.
 */
import { LockedError, MiniVectorDB } from 'minivectordb';
import { createInWorker, openInWorker, type CreateInWorkerOptions, type OpenInWorkerOptions, type WorkerMiniVectorDB } from 'minivectordb/worker';

/** A database in a worker: the VectorDatabase interface of MiniVectorDB; `close()` also ends the worker. */
export type DemoDb = WorkerMiniVectorDB;

export function createDb(options: CreateInWorkerOptions): Promise<DemoDb> {
  return createInWorker(options);
}

/** Opens `url`; read-only when another tab of the demo has it open for writing (adding a note there then fails with LockedError). */
export async function openDb(url: string, options: OpenInWorkerOptions = {}): Promise<DemoDb> {
  try {
    return await openInWorker(url, options);
  } catch (e) {
    if (!(e instanceof LockedError)) throw e;
    return openInWorker(url, { ...options, lock: 'readonly' });
  }
}

/** Deletes a saved snapshot (IndexedDB is shared by the page and its workers). */
export function removeSaved(url: string): Promise<boolean> {
  return MiniVectorDB.removeSaved(url);
}
