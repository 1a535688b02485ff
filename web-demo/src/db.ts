/**
 * The demo's one door to the database, which runs in a module Web Worker
 * (`MiniVectorDB.createInWorker` / `openInWorker`: comlink under the hood) so
 * that embedding tens of thousands of texts never blocks the page. The rest
 * of the demo talks to {@link DemoDb} only.
 */
import { MiniVectorDB, type CreateInWorkerOptions, type OpenInWorkerOptions, type WorkerMiniVectorDB } from 'minivectordb';

/** A database in a worker: MiniVectorDB's methods, all async; `close()` also ends the worker. */
export type DemoDb = WorkerMiniVectorDB;

export function createDb(options: CreateInWorkerOptions): Promise<DemoDb> {
  return MiniVectorDB.createInWorker(options);
}

export function openDb(url: string, options: OpenInWorkerOptions = {}): Promise<DemoDb> {
  return MiniVectorDB.openInWorker(url, options);
}

/** Deletes a saved snapshot (IndexedDB is shared by the page and its workers). */
export function removeSaved(url: string): Promise<boolean> {
  return MiniVectorDB.removeSaved(url);
}
