/**
 * The demo's own database worker (until the library's `createInWorker` is
 * available): a MiniVectorDB lives here, off the page's main thread, and
 * Comlink relays calls. `insertMany`'s progress callback arrives as a Comlink
 * proxy (functions cannot be structured-cloned), hence this thin wrapper.
 */
import * as Comlink from 'comlink';
import { MiniVectorDB, type CreateOptions, type Filter, type InsertItem, type OpenOptions, type SearchOptions } from 'minivectordb';

type Progress = (done: number, total: number, phase: 'embed' | 'insert') => unknown;

class WorkerDatabase {
  constructor(private readonly db: MiniVectorDB) {}
  insertMany(items: InsertItem[], onProgress?: Progress) {
    return this.db.insertMany(items, onProgress === undefined ? {} : { onProgress: (d, t, p) => void onProgress(d, t, p) });
  }
  insert(item: InsertItem) {
    return this.db.insert(item);
  }
  search(query: string, options?: SearchOptions) {
    return this.db.search(query, options);
  }
  count(filter?: Filter) {
    return this.db.count(filter);
  }
  stats() {
    return this.db.stats();
  }
  save() {
    return this.db.save();
  }
  close() {
    return this.db.close();
  }
}

const api = {
  async create(options: CreateOptions) {
    return Comlink.proxy(new WorkerDatabase(await MiniVectorDB.create(options)));
  },
  async open(url: string, options: OpenOptions) {
    return Comlink.proxy(new WorkerDatabase(await MiniVectorDB.open(url, options)));
  },
  removeSaved(url: string) {
    return MiniVectorDB.removeSaved(url);
  },
};

export type DbWorkerApi = typeof api;
export type { WorkerDatabase };
Comlink.expose(api);
