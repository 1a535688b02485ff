/**
 * The demo's one door to the database, which runs in a Web Worker so that
 * embedding tens of thousands of texts never blocks the page. Everything else
 * in the demo talks to {@link DemoDb}; only this file knows how the worker is
 * made (today: the demo's own Comlink worker, `db-worker.ts`).
 */
import * as Comlink from 'comlink';
import type { CreateOptions, Filter, InsertItem, InsertManyResult, OpenOptions, SearchHit, SearchOptions, Stats } from 'minivectordb';
import type { DbWorkerApi, WorkerDatabase } from './db-worker.js';

export type Phase = 'embed' | 'insert';

/** The database calls the demo uses, all async (they cross to the worker). */
export interface DemoDb {
  insertMany(items: InsertItem[], options?: { onProgress?: (done: number, total: number, phase: Phase) => void }): Promise<InsertManyResult>;
  insert(item: InsertItem): Promise<void>;
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  count(filter?: Filter): Promise<number>;
  stats(): Promise<Stats>;
  save(): Promise<void>;
  /** Closes the database and ends its worker. */
  close(): Promise<void>;
}

function spawn(): { api: Comlink.Remote<DbWorkerApi>; worker: Worker } {
  const worker = new Worker(new URL('./db-worker.ts', import.meta.url), { type: 'module', name: 'minivectordb' });
  return { api: Comlink.wrap<DbWorkerApi>(worker), worker };
}

function wrap(remote: Comlink.Remote<WorkerDatabase>, worker: Worker): DemoDb {
  return {
    insertMany: (items, options) => remote.insertMany(items, options?.onProgress && Comlink.proxy(options.onProgress)),
    insert: (item) => remote.insert(item),
    search: (query, options) => remote.search(query, options),
    count: (filter) => remote.count(filter),
    stats: () => remote.stats(),
    save: () => remote.save(),
    close: async () => {
      try {
        await remote.close();
      } finally {
        worker.terminate();
      }
    },
  };
}

async function inWorker(make: (api: Comlink.Remote<DbWorkerApi>) => Promise<Comlink.Remote<WorkerDatabase>>): Promise<DemoDb> {
  const { api, worker } = spawn();
  try {
    return wrap(await make(api), worker);
  } catch (e) {
    worker.terminate();
    throw e;
  }
}

/** A new database in a worker (`MiniVectorDB.create(options)` there). */
export function createDb(options: CreateOptions): Promise<DemoDb> {
  return inWorker((api) => api.create(options));
}

/** A saved database opened in a worker (`MiniVectorDB.open(url, options)` there). */
export function openDb(url: string, options: OpenOptions = {}): Promise<DemoDb> {
  return inWorker((api) => api.open(url, options));
}

/** Deletes a saved snapshot (`MiniVectorDB.removeSaved(url)`, in a short-lived worker). */
export async function removeSaved(url: string): Promise<boolean> {
  const { api, worker } = spawn();
  try {
    return await api.removeSaved(url);
  } finally {
    worker.terminate();
  }
}
