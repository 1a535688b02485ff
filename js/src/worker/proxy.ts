/**
 * The main-thread side of a database in a worker: {@link WorkerMiniVectorDB}
 * mirrors {@link MiniVectorDB}'s methods, each one a Comlink call into the
 * worker (`host.ts`), so embedding, inserting and searching never block the
 * calling thread.
 */
import { proxy, releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import { ClosedError, InvalidArgumentError, TimeoutError } from '../errors.js';
import type {
  CreateInWorkerOptions,
  Filter,
  InsertItem,
  InsertManyOptions,
  UpdateChanges,
  InsertManyResult,
  Metric,
  OpenInWorkerOptions,
  SearchHit,
  SearchOptions,
  Stats,
  StoredRecord,
} from '../types.js';
import { checkInt, describe, readError } from '../check.js';
import { installErrorTransfer } from './errors-transfer.js';
import type { DatabaseHost, HostInfo } from './host.js';
import { spawnWorker, type SpawnedWorker } from './spawn.js';
import { packItems, packVectors } from './transfer.js';

type Query = string | Float32Array | ArrayLike<number>;
type ProgressCallback = NonNullable<InsertManyOptions['onProgress']>;

/** Default of `workerTimeoutMs`: how long the worker may take to answer its first message. */
const WORKER_TIMEOUT_MS = 30_000;

/**
 * Checks what cannot cross to a worker (functions and class instances are
 * not structured-cloneable) and turns `URL` objects into strings; each
 * option is read once (a throwing getter is an InvalidArgumentError).
 * @returns the options to send, without `worker` and `workerTimeoutMs`, and those two.
 */
function sendableOptions(
  options: CreateInWorkerOptions | OpenInWorkerOptions,
  what: string,
): { sent: Record<string, unknown>; worker: unknown; timeoutMs: number } {
  try {
    return readSendable(options, what);
  } catch (e) {
    throw readError(e, what);
  }
}

function readSendable(options: CreateInWorkerOptions | OpenInWorkerOptions, what: string): { sent: Record<string, unknown>; worker: unknown; timeoutMs: number } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${what} must be an object, got ${describe(options)}`);
  }
  const { worker, workerTimeoutMs, ...rest } = options as Record<string, unknown>;
  const timeoutMs = workerTimeoutMs === undefined ? WORKER_TIMEOUT_MS : checkInt(workerTimeoutMs, `${what}.workerTimeoutMs`, 1, 0x7fffffff);
  if (rest.logger !== undefined) {
    throw new InvalidArgumentError(`${what}.logger cannot be sent to a worker; pass logLevel instead (the worker then logs to its own console)`);
  }
  const embedder = rest.embedder as Record<string, unknown> | undefined;
  if (typeof embedder === 'object' && embedder !== null) {
    if (typeof embedder.embed === 'function') {
      throw new InvalidArgumentError(`${what}.embedder: a custom Embedder object cannot be sent to a worker; pass ONNX embedder options ({ model, modelUrl, modelPath, … }) instead`);
    }
    for (const key of Object.keys(embedder)) {
      if (typeof embedder[key] === 'function' || (key === 'cache' && typeof embedder[key] === 'object' && embedder[key] !== null)) {
        throw new InvalidArgumentError(`${what}.embedder.${key} cannot be sent to a worker (functions and objects with methods are not cloneable)`);
      }
    }
    if (embedder.modelUrl instanceof URL) rest.embedder = { ...embedder, modelUrl: embedder.modelUrl.href };
  }
  const wasm = rest.wasm as { url?: unknown } | undefined;
  if (typeof wasm === 'object' && wasm !== null && wasm.url instanceof URL) rest.wasm = { ...wasm, url: wasm.url.href };
  return { sent: rest, worker, timeoutMs };
}

/**
 * Waits for the worker's first answer (`DatabaseHost.ready`), at most `timeoutMs`.
 * @throws TimeoutError when it does not come in time (a script that never listens or never loads).
 */
async function handshake(remote: Remote<DatabaseHost>, worker: SpawnedWorker, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TimeoutError(
            `the database worker did not answer within ${timeoutMs} ms (check that its script imports minivectordb/worker, and the Content-Security-Policy worker-src); raise workerTimeoutMs for a slow network`,
            timeoutMs,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([remote.ready(), worker.failed, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Marks `buffers` to be moved with `value` (Comlink keys them by the value, so a string or number goes unmarked). */
function moved<T>(value: T, buffers: ArrayBuffer[]): T {
  return buffers.length === 0 ? value : transfer(value, buffers);
}

/** What postMessage threw while cloning a message: a function, a class instance, or a getter or Proxy trap that throws. */
class SendFailure extends Error {}

/**
 * `endpoint` whose postMessage reports any failure to clone as a
 * {@link SendFailure} (Comlink posts inside a Promise executor, so it
 * arrives as the call's rejection), told apart from errors of the worker.
 */
function sendChecked(endpoint: Endpoint): Endpoint {
  return {
    postMessage(message: unknown, transfer?: Transferable[]) {
      try {
        endpoint.postMessage(message, transfer);
      } catch (cause) {
        throw new SendFailure(cause instanceof Error ? cause.message : String(cause), { cause });
      }
    },
    addEventListener: endpoint.addEventListener.bind(endpoint),
    removeEventListener: endpoint.removeEventListener.bind(endpoint),
    ...(endpoint.start === undefined ? {} : { start: endpoint.start.bind(endpoint) }),
  };
}

/** A postMessage that failed to clone an argument becomes an InvalidArgumentError, as a bad argument does on the main thread. */
function cloneError(e: unknown, method: string): unknown {
  if (e instanceof SendFailure || (e instanceof Error && e.name === 'DataCloneError')) {
    return new InvalidArgumentError(
      `${method}(): an argument cannot be sent to the worker (${e.message}); use plain data: numbers, strings, arrays, plain objects, Float32Array (no functions, no getters or Proxies that throw)`,
      { cause: e },
    );
  }
  return e;
}

/**
 * A {@link MiniVectorDB} running in a module Web Worker (in Node, a
 * `worker_threads` worker), made by {@link MiniVectorDB.createInWorker} or
 * {@link MiniVectorDB.openInWorker}. Methods mirror MiniVectorDB's, with the
 * same arguments, results and typed errors (re-created on this thread with
 * the same class, `code` and fields); every one returns a Promise and runs in
 * the worker, one at a time in call order.
 *
 * Vectors cross as transferables: the `Float32Array`s you pass are copied
 * once into a fresh buffer that is moved (not cloned) to the worker — your
 * arrays stay usable — and `get()`'s vector is moved back. Differences from
 * MiniVectorDB: no `size` getter (use `count()`); `dim` and `metric` are
 * known from creation. As on the page, an `onProgress` callback that throws
 * does not abort `insertMany` (the worker logs it at warn). `close()` closes
 * the database and terminates the worker.
 */
export class WorkerMiniVectorDB {
  #remote: Remote<DatabaseHost>;
  #worker: SpawnedWorker;
  #info: HostInfo;
  #closed: Promise<void> | undefined;

  private constructor(remote: Remote<DatabaseHost>, worker: SpawnedWorker, info: HostInfo) {
    this.#remote = remote;
    this.#worker = worker;
    this.#info = info;
  }

  /** @internal Use {@link MiniVectorDB.createInWorker}. */
  static create(options: CreateInWorkerOptions): Promise<WorkerMiniVectorDB> {
    return WorkerMiniVectorDB.#start(options, 'createInWorker options', (remote, sent) => remote.create(sent));
  }

  /** @internal Use {@link MiniVectorDB.openInWorker}. */
  static open(url: string, options: OpenInWorkerOptions): Promise<WorkerMiniVectorDB> {
    if (typeof url !== 'string') return Promise.reject(new InvalidArgumentError(`url must be a string, got ${describe(url)}`));
    return WorkerMiniVectorDB.#start(options, 'openInWorker options', (remote, sent) => remote.open(url, sent));
  }

  static async #start(
    options: CreateInWorkerOptions | OpenInWorkerOptions,
    what: string,
    init: (remote: Remote<DatabaseHost>, sent: Record<string, unknown>) => Promise<HostInfo>,
  ): Promise<WorkerMiniVectorDB> {
    const { sent, worker: source, timeoutMs } = sendableOptions(options, what);
    installErrorTransfer();
    const worker = await spawnWorker(source as CreateInWorkerOptions['worker']);
    const remote = wrap<DatabaseHost>(sendChecked(worker.endpoint));
    try {
      await handshake(remote, worker, timeoutMs);
      const info = await Promise.race([init(remote, sent), worker.failed]);
      return new WorkerMiniVectorDB(remote, worker, info);
    } catch (e) {
      remote[releaseProxy]();
      worker.terminate();
      throw cloneError(e, what.split(' ')[0]!);
    }
  }

  /** Vector dimension. */
  get dim(): number {
    this.#check('dim');
    return this.#info.dim;
  }

  /** Distance metric. */
  get metric(): Metric {
    this.#check('metric');
    return this.#info.metric;
  }

  /** See {@link MiniVectorDB.insert}. */
  async insert(item: InsertItem): Promise<void> {
    await this.insertMany([item]);
  }

  /** See {@link MiniVectorDB.insertMany}; `onProgress` is called on this thread (through a Comlink proxy). */
  insertMany(items: readonly InsertItem[], options?: InsertManyOptions): Promise<InsertManyResult> {
    return this.#call('insertMany', (r) => {
      const packed = Array.isArray(items) ? packItems(items) : { items, transfer: [] };
      // Comlink proxies only top-level arguments: the callback goes as its own.
      const onProgress = (options as { onProgress?: unknown } | undefined)?.onProgress;
      if (typeof onProgress !== 'function') return r.insertMany(moved(packed.items as InsertItem[], packed.transfer), options);
      const { onProgress: _callback, ...rest } = options!;
      return r.insertMany(moved(packed.items as InsertItem[], packed.transfer), rest, proxy(onProgress as ProgressCallback));
    });
  }

  /** See {@link MiniVectorDB.update}; a `Float32Array` vector is copied, then moved. */
  update(id: string, changes: UpdateChanges): Promise<void> {
    return this.#call('update', (r) => {
      const vector = (changes as { vector?: unknown } | null | undefined)?.vector;
      if (!(vector instanceof Float32Array)) return r.update(id, changes);
      const { values, transfer: buffers } = packVectors([vector]);
      return r.update(id, moved({ ...changes, vector: values[0] as Float32Array }, buffers));
    });
  }

  /** See {@link MiniVectorDB.search}. */
  search(query: Query, options?: SearchOptions): Promise<SearchHit[]> {
    return this.#call('search', (r) => {
      const { values, transfer: buffers } = packVectors([query]);
      return r.search(moved(values[0] as Query, buffers), options);
    });
  }

  /** See {@link MiniVectorDB.searchBatch}. */
  searchBatch(queries: readonly Query[] | Float32Array, options?: SearchOptions): Promise<SearchHit[][]> {
    return this.#call('searchBatch', (r) => {
      if (!Array.isArray(queries)) {
        const { values, transfer: buffers } = packVectors([queries]);
        return r.searchBatch(moved(values[0] as Float32Array, buffers), options);
      }
      const { values, transfer: buffers } = packVectors(queries as readonly Query[]);
      return r.searchBatch(moved(values, buffers), options);
    });
  }

  /** See {@link MiniVectorDB.get}; the vector is moved from the worker. */
  get(id: string): Promise<StoredRecord | undefined> {
    return this.#call('get', (r) => r.get(id));
  }

  /** See {@link MiniVectorDB.delete}. */
  delete(id: string): Promise<boolean> {
    return this.#call('delete', (r) => r.delete(id));
  }

  /** See {@link MiniVectorDB.deleteMany}. */
  deleteMany(ids: readonly string[]): Promise<number> {
    return this.#call('deleteMany', (r) => r.deleteMany(ids));
  }

  /** See {@link MiniVectorDB.deleteByFilter}. */
  deleteByFilter(filter: Filter): Promise<number> {
    return this.#call('deleteByFilter', (r) => r.deleteByFilter(filter));
  }

  /** See {@link MiniVectorDB.count}. */
  count(filter?: Filter): Promise<number> {
    return this.#call('count', (r) => r.count(filter));
  }

  /** See {@link MiniVectorDB.compact}. */
  compact(): Promise<number> {
    return this.#call('compact', (r) => r.compact());
  }

  /** See {@link MiniVectorDB.save}; the worker writes (IndexedDB is shared with the page's origin). */
  save(url?: string): Promise<void> {
    return this.#call('save', (r) => r.save(url));
  }

  /** See {@link MiniVectorDB.stats}. */
  stats(): Promise<Stats> {
    return this.#call('stats', (r) => r.stats());
  }

  /**
   * Waits for pending calls, closes the database (writing a pending
   * autosave) and terminates the worker. Idempotent; afterwards every call
   * throws ClosedError.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await Promise.race([this.#remote.close(), this.#worker.failed]);
      } finally {
        this.#remote[releaseProxy]();
        this.#worker.terminate();
      }
    })();
    return this.#closed;
  }

  /** `await using db = await MiniVectorDB.createInWorker(…)` closes the database and the worker at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #check(method: string): void {
    if (this.#closed !== undefined) throw new ClosedError(method);
  }

  async #call<T>(method: string, fn: (remote: Remote<DatabaseHost>) => Promise<T>): Promise<T> {
    this.#check(method);
    let call: Promise<T>;
    try {
      call = fn(this.#remote); // reads the arguments here (packing vectors): a getter that throws is a bad argument
    } catch (e) {
      throw readError(e, `${method}() arguments`);
    }
    try {
      return await Promise.race([call, this.#worker.failed]);
    } catch (e) {
      throw cloneError(e, method);
    }
  }
}
