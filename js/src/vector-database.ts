/**
 * The one interface of a database, whether it runs on the calling thread
 * ({@link MiniVectorDB}) or in a worker (`WorkerMiniVectorDB`, from
 * `minivectordb/worker`). Types only.
 *
 * Both implement every member with the same arguments, results and typed
 * errors. Reads of `size` and `stats()` are synchronous on both: a worker
 * database answers them from the counters its worker sent with the result of
 * the last completed call, so they are exact once every call made so far has
 * been awaited (a database on the calling thread is exact at every moment).
 */
import type { HostCanvasElement, HostImageBitmap, HostImageData, HostImageElement, HostOffscreenCanvas } from './host-types.js';
import type { GetManyOptions, IdsOptions, ListedRecord, RecordsOptions } from './iteration-types.js';
import type { CompactOptions, SaveOptions } from './progress-types.js';
import type { ImageQuery, RawImage } from './embed/image/input.js';
import type { Filter, InsertItem, InsertManyOptions, InsertManyResult, Metric, SearchHit, SearchOptions, Stats, StoredRecord, UpdateChanges } from './types.js';

/**
 * A query: `dim` finite numbers, a text (embedded, or looked up in the text
 * index), or an image (embedded by the image tower of a CLIP embedder):
 * `{ image }` with any {@link ImageInput}, or bare a `Blob` / `File`,
 * `ImageBitmap`, `ImageData`, `HTMLImageElement`, canvas or {@link RawImage}
 * (bytes and paths must be wrapped: bare, they read as a vector and a text).
 */
export type Query = string | Float32Array | ArrayLike<number> | ImageQuery | Blob | HostImageBitmap | HostImageData | HostImageElement | HostCanvasElement | HostOffscreenCanvas | RawImage;

/** A vector database: see {@link MiniVectorDB} for each member's full contract. */
export interface VectorDatabase extends AsyncDisposable {
  /** Number of live records. @throws ClosedError after `close()`. */
  readonly size: number;
  /** Vector dimension. */
  readonly dim: number;
  /** Distance metric. */
  readonly metric: Metric;
  /** Counters and configuration; see {@link Stats}. @throws ClosedError after `close()`. */
  stats(): Stats;
  /** Inserts one record; an existing id is replaced (upsert). */
  insert(item: InsertItem): Promise<void>;
  /** Inserts records in one all-or-nothing operation; existing ids are replaced. */
  insertMany(items: readonly InsertItem[], options?: InsertManyOptions): Promise<InsertManyResult>;
  /** Changes one existing record (vector, text and/or metadata). @throws NotFoundError for an unknown id. */
  update(id: string, changes: UpdateChanges): Promise<void>;
  /** The k best records for `query`, best first. */
  search(query: Query, options?: SearchOptions): Promise<SearchHit[]>;
  /** Many queries in one call: an array of vectors or texts, or one Float32Array of n·dim values (row-major). */
  searchBatch(queries: readonly Query[] | Float32Array, options?: SearchOptions): Promise<SearchHit[][]>;
  /** The record with `id` (vector and metadata are copies), or undefined. */
  get(id: string): Promise<StoredRecord | undefined>;
  /** The live ids (matching `options.filter`), in internal order. */
  ids(options?: IdsOptions): Promise<string[]>;
  /** The records of `ids`, in order, `undefined` where absent; without vectors when `options.vectors` is false. */
  getMany(ids: readonly string[], options?: GetManyOptions & { vectors?: true }): Promise<(StoredRecord | undefined)[]>;
  getMany(ids: readonly string[], options?: GetManyOptions): Promise<(ListedRecord | undefined)[]>;
  /** Async iteration over the records (matching `options.filter`), read `batchSize` at a time. */
  records(options?: RecordsOptions & { vectors?: true }): AsyncIterableIterator<StoredRecord>;
  records(options?: RecordsOptions): AsyncIterableIterator<ListedRecord>;
  /** Deletes a record. @returns true if the id existed. */
  delete(id: string): Promise<boolean>;
  /** Deletes many records. @returns the number deleted. */
  deleteMany(ids: readonly string[]): Promise<number>;
  /** Deletes every live record whose metadata match `filter`. @returns the number deleted. */
  deleteByFilter(filter: Filter): Promise<number>;
  /** Number of live records, or of those matching `filter`, after every earlier call. */
  count(filter?: Filter): Promise<number>;
  /** Reclaims the space of deleted and replaced records. @returns the number of tombstones reclaimed. */
  compact(options?: CompactOptions): Promise<number>;
  /** Relabels the records' graph nodes for memory locality (faster searches on large indexes); results unchanged. */
  reorder(): Promise<void>;
  /** Writes a snapshot to `url`, or to the database's storage URL. */
  save(url?: string, options?: SaveOptions): Promise<void>;
  /** The snapshot `save()` writes, as one buffer (read back with `MiniVectorDB.deserialize`). */
  serialize(): Promise<Uint8Array>;
  /** Makes every write so far durable (appends and syncs the write-ahead log); a no-op with `durability: 'manual'`. */
  flush(): Promise<void>;
  /** Waits for every pending call, makes their changes durable (log flush, checkpoint), then frees the database; rejects if that fails. Idempotent. */
  close(): Promise<void>;
  /** Read-only instances: reads the storage again (checkpoint + log) and swaps the state in one step; a no-op for a writer. */
  refresh(): Promise<void>;
}
