/**
 * The worker side: one {@link MiniVectorDB} per worker, its methods exposed
 * to the main thread through Comlink by `worker-entry.ts`. Arguments arrive
 * structured-cloned (vectors as transferred buffers, see `transfer.ts`); the
 * database checks them exactly as on the main thread. Stored vectors leave
 * as transferables.
 */
import { releaseProxy, transfer, type Remote } from 'comlink';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import { gateLogger, type Logger, type LogLevel } from '../logger.js';
import { MiniVectorDB } from '../minivectordb.js';
import type {
  CreateOptions,
  Filter,
  InsertItem,
  InsertManyOptions,
  UpdateChanges,
  InsertManyResult,
  Metric,
  OpenOptions,
  SearchHit,
  SearchOptions,
  Stats,
  StoredRecord,
} from '../types.js';

/** What the main thread learns when the database is ready. */
export interface HostInfo {
  dim: number;
  metric: Metric;
}

type ProgressCallback = NonNullable<InsertManyOptions['onProgress']>;

/**
 * With `logLevel` (and no logger, which cannot cross threads) the worker's
 * own `console` is the sink: its messages show in the worker's devtools
 * context. Without `logLevel`, silent as on the main thread.
 */
function withWorkerLogger<T extends { logLevel?: unknown; logger?: unknown }>(options: T): T {
  if (typeof options !== 'object' || options === null || options.logLevel === undefined || options.logger !== undefined) return options;
  return { ...options, logger: globalThis.console };
}

/** The object exposed in the worker. Every method runs on the worker's database. */
export class DatabaseHost {
  #db: MiniVectorDB | undefined;
  /** The database's logger (the same sink and level), for what happens outside its calls. */
  #logger: Logger = gateLogger(undefined);

  /** The handshake of `spawn.ts`: answers as soon as this host listens. */
  ready(): true {
    return true;
  }

  async create(options: CreateOptions): Promise<HostInfo> {
    const sent = withWorkerLogger(options);
    return this.#init(await MiniVectorDB.create(sent), sent);
  }

  async open(url: string, options: OpenOptions): Promise<HostInfo> {
    const sent = withWorkerLogger(options);
    return this.#init(await MiniVectorDB.open(url, sent), sent);
  }

  /**
   * `progress` is a Comlink proxy of the caller's `onProgress`: each call is a
   * message back to the main thread. They are not awaited one by one (the
   * insert does not wait for the main thread), but all of them have been
   * delivered before the result is returned; a callback that throws does
   * not abort the insert (as on the page): its error is logged at warn.
   */
  async insertMany(items: readonly InsertItem[], options: InsertManyOptions | undefined, progress?: ProgressCallback): Promise<InsertManyResult> {
    if (progress === undefined) return this.#live('insertMany').insertMany(items, options);
    const remote = progress as unknown as Remote<ProgressCallback>;
    const pending: Promise<unknown>[] = [];
    const onProgress: ProgressCallback = (done, total, phase) =>
      void pending.push(remote(done, total, phase).catch((e: unknown) => this.#logger.warn(`onProgress threw (the insert goes on): ${String(e)}`)));
    try {
      return await this.#live('insertMany').insertMany(items, { ...options, onProgress });
    } finally {
      await Promise.allSettled(pending);
      remote[releaseProxy]();
    }
  }

  search(query: string | Float32Array | ArrayLike<number>, options?: SearchOptions): Promise<SearchHit[]> {
    return this.#live('search').search(query, options);
  }

  searchBatch(queries: readonly (string | Float32Array | ArrayLike<number>)[] | Float32Array, options?: SearchOptions): Promise<SearchHit[][]> {
    return this.#live('searchBatch').searchBatch(queries, options);
  }

  async get(id: string): Promise<StoredRecord | undefined> {
    const record = await this.#live('get').get(id);
    return record === undefined ? undefined : transfer(record, [record.vector.buffer as ArrayBuffer]);
  }

  update(id: string, changes: UpdateChanges): Promise<void> {
    return this.#live('update').update(id, changes);
  }

  delete(id: string): Promise<boolean> {
    return this.#live('delete').delete(id);
  }

  deleteMany(ids: readonly string[]): Promise<number> {
    return this.#live('deleteMany').deleteMany(ids);
  }

  deleteByFilter(filter: Filter): Promise<number> {
    return this.#live('deleteByFilter').deleteByFilter(filter);
  }

  count(filter?: Filter): Promise<number> {
    return this.#live('count').count(filter);
  }

  compact(): Promise<number> {
    return this.#live('compact').compact();
  }

  save(url?: string): Promise<void> {
    return this.#live('save').save(url);
  }

  stats(): Stats {
    return this.#live('stats').stats();
  }

  async close(): Promise<void> {
    await this.#db?.close();
  }

  #init(db: MiniVectorDB, options: { logger?: unknown; logLevel?: unknown }): HostInfo {
    if (this.#db !== undefined) {
      void db.close();
      throw new InvalidArgumentError('this worker already holds a database: use one worker per database');
    }
    this.#db = db;
    this.#logger = gateLogger(options.logger as Logger | undefined, options.logLevel as LogLevel | undefined); // checked by create()/open()
    return { dim: db.dim, metric: db.metric };
  }

  #live(method: string): MiniVectorDB {
    if (this.#db === undefined) throw new ClosedError(method);
    return this.#db;
  }
}
