/**
 * The write-ahead log of an `idb://name` database: the `log` object store of
 * the `minivectordb` IndexedDB database (schema 2, see `idb.ts`), one value
 * per appended group under the key `[name, index]`, read back in key order.
 * Each append is one readwrite transaction; a durable one is opened with
 * `durability: 'strict'` and awaited to `complete` (the browser has flushed
 * it), a non-durable one with `'relaxed'`. A transaction is all or nothing,
 * so an IndexedDB log has no torn tail; the reader still checks every record.
 * The connection is kept open between appends (opening costs milliseconds)
 * and closed by {@link IdbLog.close} or when another connection upgrades the schema.
 * @internal
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import { StorageError } from '../errors.js';
import type { WriteAheadLog } from './adapter.js';

/** The part of the IndexedDB schema the log uses. */
export interface LogSchema extends DBSchema {
  log: { key: [string, number]; value: Uint8Array };
}

/** Every key of the log of `name`. */
export function logRange(name: string): IDBKeyRange {
  return IDBKeyRange.bound([name, 0], [name, Number.MAX_SAFE_INTEGER]);
}

export class IdbLog implements WriteAheadLog {
  #db: Promise<IDBPDatabase<LogSchema>> | undefined;

  /**
   * @param name - the database's name (of `idb://name`).
   * @param open - opens the IndexedDB database at the current schema.
   */
  constructor(
    private readonly name: string,
    private readonly url: string,
    private readonly open: () => Promise<IDBPDatabase<LogSchema>>,
  ) {}

  read(): Promise<Uint8Array> {
    return this.#run('read', async (db) => {
      const parts = await db.getAll('log', logRange(this.name));
      const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.byteLength;
      }
      return out;
    });
  }

  append(bytes: Uint8Array, durable: boolean): Promise<void> {
    return this.#run('append to', async (db) => {
      const tx = db.transaction('log', 'readwrite', { durability: durable ? 'strict' : 'relaxed' });
      const last = await tx.store.openCursor(logRange(this.name), 'prev');
      const next = last === null ? 0 : (last.key[1] as number) + 1;
      await Promise.all([tx.store.put(bytes.slice(), [this.name, next]), tx.done]);
    });
  }

  /** Every transaction already completed (appends await theirs). */
  sync(): Promise<void> {
    return Promise.resolve();
  }

  size(): Promise<number> {
    return this.read().then((b) => b.byteLength);
  }

  truncate(): Promise<void> {
    return this.#run('truncate', async (db) => {
      const tx = db.transaction('log', 'readwrite', { durability: 'strict' });
      await Promise.all([tx.store.delete(logRange(this.name)), tx.done]);
    });
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db !== undefined) (await db.catch(() => undefined))?.close();
  }

  async #run<T>(what: string, fn: (db: IDBPDatabase<LogSchema>) => Promise<T>): Promise<T> {
    try {
      if (this.#db === undefined) {
        const opening = this.open().then((db) => {
          // Another connection upgrading the schema waits for this one: let it go.
          db.addEventListener('versionchange', () => {
            db.close();
            if (this.#db === opening) this.#db = undefined;
          });
          return db;
        });
        this.#db = opening;
        opening.catch(() => {
          if (this.#db === opening) this.#db = undefined;
        });
      }
      return await fn(await this.#db);
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      throw new StorageError(`cannot ${what} the write-ahead log of ${this.url}: ${String(cause)}`, { cause });
    }
  }
}
