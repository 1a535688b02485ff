/**
 * The one table of the database's methods that run in a worker, from which
 * both sides are generated: the page's proxy (`proxy.ts`) defines one method
 * per entry, the worker's host (`host.ts`) answers them through one RPC,
 * `call(method, args, callback)`. An entry says only what differs from
 * "send the arguments, return the result": which vectors to move rather
 * than copy, which callback to pass as a Comlink proxy, what to move back.
 *
 * The members of {@link VectorDatabase} not in the table are answered on
 * the page ({@link LOCAL_MEMBERS}); the compiler checks that together they
 * cover the interface.
 */
import type { Stats, StoredRecord, UpdateChanges } from '../types.js';
import type { Query, VectorDatabase } from '../vector-database.js';
import { checkMetadata } from '../validate.js';
import { packItems, packVectors } from './transfer.js';
import { checkSendableImage, checkSendableQuery } from './images.js';

/** A call as sent: its arguments, the buffers to move with them, and a callback to pass as a Comlink proxy. */
export interface Sent {
  args: unknown[];
  transfer: ArrayBuffer[];
  callback?: (...a: never[]) => unknown;
}

/** How one method crosses the boundary; every part is optional. */
export interface MethodSpec {
  /** Page side: the arguments to send (reads them: a getter that throws is a bad argument). */
  send?(args: unknown[]): Sent;
  /**
   * The argument that is the call's options, whose `signal` and
   * `onProgress` cannot be posted (`call-options.ts`): the signal goes as an
   * id, aborted in the worker when the page's aborts; the callback as a
   * Comlink proxy. `work` names the call in the warning of a callback that throws.
   */
  options?: { index: number; work: string };
  /** Worker side: the buffers of the result to move back. */
  reply?(value: unknown): ArrayBuffer[];
}

/**
 * Checks metadata objects on the page, before they are posted: structured
 * cloning turns a class instance (or any object with a prototype) into a
 * plain object, so the worker could not tell it from one and would store it.
 * The worker checks everything else again.
 */
function checkSentMetadata(meta: unknown, what: string): void {
  if (typeof meta === 'object' && meta !== null) checkMetadata(meta, what);
}

/** Packs the Float32Arrays among `values` (see `transfer.ts`). */
function vectors(values: unknown[], rest: unknown[]): Sent {
  const { values: packed, transfer } = packVectors(values);
  return { args: [...packed, ...rest], transfer };
}

/** The methods that run in the worker, one RPC each. */
export const METHODS = {
  insertMany: {
    send([items, options]) {
      if (Array.isArray(items)) {
        items.forEach((it, i) => {
          checkSentMetadata((it as { metadata?: unknown } | null)?.metadata, `items[${i}].metadata`);
          checkSendableImage((it as { image?: unknown } | null)?.image, `items[${i}].image`);
        });
      }
      const packed = Array.isArray(items) ? packItems(items) : { items, transfer: [] };
      return { args: [packed.items, options], transfer: packed.transfer };
    },
    /**
     * Each progress call is a message back to the page. They are not awaited
     * one by one (the insert does not wait for the page), but all of them
     * have been delivered before the result is returned; a callback that
     * throws does not abort the insert (as on the page): its error is logged at warn.
     */
    options: { index: 1, work: 'insert' },
  },
  update: {
    /** A `Float32Array` vector is copied, then moved. */
    send([id, changes]) {
      checkSentMetadata((changes as { metadata?: unknown } | null | undefined)?.metadata, 'changes.metadata');
      checkSendableImage((changes as { image?: unknown } | null | undefined)?.image, 'changes.image');
      const vector = (changes as { vector?: unknown } | null | undefined)?.vector;
      if (!(vector instanceof Float32Array)) return { args: [id, changes], transfer: [] };
      const { values, transfer } = packVectors([vector]);
      return { args: [id, { ...(changes as UpdateChanges), vector: values[0] }], transfer };
    },
  },
  search: {
    send([query, ...rest]) {
      checkSendableQuery(query, 'query');
      return vectors([query as Query], rest);
    },
    options: { index: 1, work: 'search' },
  },
  searchBatch: {
    send([queries, ...rest]) {
      if (!Array.isArray(queries)) return vectors([queries], rest);
      queries.forEach((q, i) => checkSendableQuery(q, `queries[${i}]`));
      const { values, transfer } = packVectors(queries as readonly Query[]);
      return { args: [values, ...rest], transfer };
    },
    options: { index: 1, work: 'search' },
  },
  /** The record's vector is moved from the worker. */
  get: { reply: (record) => (record === undefined ? [] : [(record as StoredRecord).vector.buffer as ArrayBuffer]) },
  ids: {},
  /** The records' vectors are moved from the worker. */
  getMany: {
    reply: (records) =>
      (records as ({ vector?: Float32Array } | undefined)[]).flatMap((r) => (r?.vector === undefined ? [] : [r.vector.buffer as ArrayBuffer])),
  },
  delete: {},
  deleteMany: {},
  deleteByFilter: {},
  count: {},
  compact: { options: { index: 0, work: 'compaction' } },
  reorder: {},
  save: { options: { index: 1, work: 'save' } },
  flush: {},
  /** Read-only: re-reads the storage in the worker (which also follows the writer by itself, see `OpenOptions.follow`). */
  refresh: {},
  /** The snapshot's buffer is moved from the worker. */
  serialize: { reply: (bytes) => [(bytes as Uint8Array).buffer as ArrayBuffer] },
} satisfies Partial<Record<keyof VectorDatabase, MethodSpec>>;

/** Names of the methods that run in the worker. */
export type RemoteMethod = keyof typeof METHODS;

/** The entries of {@link METHODS}, typed for lookup by name. */
export const METHOD_SPECS: Readonly<Record<RemoteMethod, MethodSpec>> = METHODS;

/**
 * Members the page answers itself: `size`, `dim`, `metric` and `stats()`
 * from the counters sent with every result; `insert` through `insertMany`;
 * `records` as an iterator on the page over `ids` and one `getMany` per batch (`db/iterate.ts`);
 * `close` (and `Symbol.asyncDispose`) close the database, then end the worker.
 */
export const LOCAL_MEMBERS = ['size', 'dim', 'metric', 'stats', 'insert', 'records', 'close'] as const;

/** Compile-time check: the table and the local members cover the whole interface. */
type Uncovered = Exclude<keyof VectorDatabase, RemoteMethod | (typeof LOCAL_MEMBERS)[number] | typeof Symbol.asyncDispose>;
export const COVERS_THE_INTERFACE: [Uncovered] extends [never] ? true : Uncovered = true;

/** The counters sent with every result (and when the database is ready): its {@link Stats}. */
export interface HostState {
  stats: Stats;
}

/** A result from the worker and the database's state after it (none when the call ended while the database closed). */
export interface Reply {
  value: unknown;
  stats: Stats | undefined;
}

/**
 * What `create`/`open` options held that cannot be posted: the ids of
 * `signal` (open's) and `embedder.signal` (model downloads, for the
 * embedder's life), and which progress callbacks the one `callback` proxy
 * stands for — it is called `(source, event)`, `source` `'open'` for
 * `onProgress`, `'download'` for `embedder.onProgress`.
 */
export interface StartHooks {
  signalId?: number;
  embedderSignalId?: number;
  progress?: ('open' | 'download')[];
}

/** What the worker exposes: the handshake, creating or opening its one database, the one RPC of the table, closing. */
export interface HostApi {
  /** Answers as soon as the worker listens (`spawn.ts`'s handshake). */
  ready(): true;
  /** Creates the database; see {@link StartHooks} for what the options could not carry. */
  create(options: Record<string, unknown>, hooks?: StartHooks, callback?: unknown): Promise<HostState>;
  open(url: string, options: Record<string, unknown>, hooks?: StartHooks, callback?: unknown): Promise<HostState>;
  /**
   * Runs `method` of {@link METHODS} on the worker's database; `callback`
   * is the options' progress callback (a Comlink proxy), `signalId` the id
   * of its signal (see {@link HostApi.abort}).
   */
  call(method: RemoteMethod, args: unknown[], callback?: unknown, signalId?: number): Promise<Reply>;
  /** Aborts the worker's signal of `signalId` (the page's signal aborted). */
  abort(signalId: number): void;
  close(): Promise<void>;
}
