/**
 * The page side of a database in a worker: {@link WorkerMiniVectorDB}
 * implements {@link VectorDatabase}, its remote methods generated from the
 * table in `methods.ts`, each one a Comlink call into the worker
 * (`host.ts`), so embedding, inserting and searching never block the
 * calling thread.
 */
import { proxy, releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import { checkInt, describe, readError } from '../check.js';
import { ClosedError, InvalidArgumentError, TimeoutError } from '../errors.js';
import type { CreateInWorkerOptions, OpenInWorkerOptions } from '../option-types.js';
import type { InsertItem, Metric, Stats, StoredRecord } from '../types.js';
import type { VectorDatabase } from '../vector-database.js';
import { iterateRecords } from '../db/iterate.js';
import type { ListedRecord, RecordsOptions } from '../iteration-types.js';
import { installErrorTransfer } from './errors-transfer.js';
import { METHOD_SPECS, type HostApi, type HostState, type MethodSpec, type RemoteMethod, type Sent, type StartHooks } from './methods.js';
import { abortedCall, forwardAbort, splitOptions, type SplitOptions } from './call-options.js';
import { spawnWorker, type SpawnedWorker } from './spawn.js';

/** Default of `workerTimeoutMs`: how long the worker may take to answer its first message. */
const WORKER_TIMEOUT_MS = 30_000;

/**
 * Checks what cannot cross to a worker (functions and class instances are
 * not structured-cloneable) and turns `URL` objects into strings; each
 * option is read once (a throwing getter is an InvalidArgumentError).
 * @returns the options to send, without `worker` and `workerTimeoutMs`, and those two.
 */
function sendableOptions(options: CreateInWorkerOptions | OpenInWorkerOptions, what: string): Sendable {
  try {
    return readSendable(options, what);
  } catch (e) {
    throw readError(e, what);
  }
}

/** The options to send, and what they held that cannot be sent (`call-options.ts`). */
interface Sendable {
  sent: Record<string, unknown>;
  worker: unknown;
  timeoutMs: number;
  /** open's `signal` and `onProgress`. */
  open: SplitOptions;
  /** `embedder.signal` and `embedder.onProgress` (downloads). */
  embedder: SplitOptions;
}

function readSendable(options: CreateInWorkerOptions | OpenInWorkerOptions, what: string): Sendable {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${what} must be an object, got ${describe(options)}`);
  }
  const opening = what.startsWith('open');
  const open = opening ? splitOptions(options) : { options, signal: undefined, callback: undefined };
  const { worker, workerTimeoutMs, ...rest } = open.options as Record<string, unknown>;
  // An Embedder object is refused below as it is (its methods may include an onProgress).
  const custom = typeof (rest.embedder as { embed?: unknown } | null | undefined)?.embed === 'function';
  const embedderParts = custom ? { options: rest.embedder, signal: undefined, callback: undefined } : splitOptions(rest.embedder);
  if (embedderParts.options !== rest.embedder) rest.embedder = embedderParts.options;
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
  return { sent: rest, worker, timeoutMs, open, embedder: embedderParts };
}

/**
 * Waits for the worker's first answer (`DatabaseHost.ready`), at most `timeoutMs`.
 * @throws TimeoutError when it does not come in time (a script that never listens or never loads).
 */
async function handshake(remote: Remote<HostApi>, worker: SpawnedWorker, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TimeoutError(
            `the database worker did not answer within ${timeoutMs} ms (check that its script imports minivectordb/worker-host, and the Content-Security-Policy worker-src); raise workerTimeoutMs for a slow network`,
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
 * A database running in a module Web Worker (in Node, a `worker_threads`
 * worker), made by `createInWorker` / `openInWorker` of `minivectordb/worker`
 * (or {@link MiniVectorDB.createInWorker}). It implements
 * {@link VectorDatabase} as {@link MiniVectorDB} does, with the same
 * arguments, results and typed errors (re-created on this thread with the
 * same class, `code` and fields); every call runs in the worker, one at a
 * time in call order.
 *
 * `size` and `stats()` are synchronous, as on the page: the worker sends the
 * database's {@link Stats} with every result, so they are those after the
 * last call that completed (exact once every call made so far has been awaited).
 *
 * Vectors cross as transferables: the `Float32Array`s you pass are copied
 * once into a fresh buffer that is moved (not cloned) to the worker — your
 * arrays stay usable — and `get()`'s vector is moved back. As on the page,
 * an `onProgress` callback that throws does not abort `insertMany` (the
 * worker logs it at warn). `close()` closes the database and terminates the worker.
 */
export class WorkerMiniVectorDB implements VectorDatabase {
  #remote: Remote<HostApi>;
  #worker: SpawnedWorker;
  #stats: Stats;
  #closed: Promise<void> | undefined;
  /** Stops forwarding the embedder's signal (at close). */
  #disposeOnClose: () => void = () => undefined;

  private constructor(remote: Remote<HostApi>, worker: SpawnedWorker, state: HostState) {
    this.#remote = remote;
    this.#worker = worker;
    this.#stats = state.stats;
  }

  /** The remote methods, one per entry of the table: each sends its arguments as the entry says and records the stats sent back. */
  static {
    for (const method of Object.keys(METHOD_SPECS) as RemoteMethod[]) {
      const spec = METHOD_SPECS[method];
      Object.defineProperty(WorkerMiniVectorDB.prototype, method, {
        configurable: true,
        writable: true,
        value: function (this: WorkerMiniVectorDB, ...args: unknown[]): Promise<unknown> {
          return this.#call(method, args, spec);
        },
      });
    }
  }

  /** @internal Use `createInWorker` of `minivectordb/worker`. */
  static create(options: CreateInWorkerOptions): Promise<WorkerMiniVectorDB> {
    return WorkerMiniVectorDB.#start(options, 'createInWorker options', (remote, sent, hooks, callback) => remote.create(sent, hooks, callback));
  }

  /** @internal Use `openInWorker` of `minivectordb/worker`. */
  static open(url: string, options: OpenInWorkerOptions): Promise<WorkerMiniVectorDB> {
    if (typeof url !== 'string') return Promise.reject(new InvalidArgumentError(`url must be a string, got ${describe(url)}`));
    return WorkerMiniVectorDB.#start(options, 'openInWorker options', (remote, sent, hooks, callback) => remote.open(url, sent, hooks, callback));
  }

  static async #start(
    options: CreateInWorkerOptions | OpenInWorkerOptions,
    what: string,
    init: (remote: Remote<HostApi>, sent: Record<string, unknown>, hooks: StartHooks, callback: unknown) => Promise<HostState>,
  ): Promise<WorkerMiniVectorDB> {
    const { sent, worker: source, timeoutMs, open, embedder } = sendableOptions(options, what);
    // Aborted already: before a worker starts.
    if (open.signal?.aborted === true) throw open.signal.reason;
    if (embedder.signal?.aborted === true) throw embedder.signal.reason;
    installErrorTransfer();
    const worker = await spawnWorker(source as CreateInWorkerOptions['worker']);
    const remote = wrap<HostApi>(sendChecked(worker.endpoint));
    const abort = (id: number): Promise<void> => remote.abort(id);
    const openAbort = forwardAbort(open.signal, abort);
    // The embedder's signal stops its downloads for as long as the worker lives (a model may load after open).
    const embedderAbort = forwardAbort(embedder.signal, abort);
    const hooks: StartHooks = {
      ...(openAbort.id === undefined ? {} : { signalId: openAbort.id }),
      ...(embedderAbort.id === undefined ? {} : { embedderSignalId: embedderAbort.id }),
      progress: [...(open.callback === undefined ? [] : (['open'] as const)), ...(embedder.callback === undefined ? [] : (['download'] as const))],
    };
    const callbacks = { open: open.callback, download: embedder.callback } as Record<'open' | 'download', ((event: unknown) => void) | undefined>;
    const callback = hooks.progress!.length === 0 ? undefined : proxy((from: 'open' | 'download', event: unknown) => callbacks[from]?.(event));
    try {
      await handshake(remote, worker, timeoutMs);
      const state = await Promise.race([init(remote, sent, hooks, callback), worker.failed]);
      const db = new WorkerMiniVectorDB(remote, worker, state);
      db.#disposeOnClose = embedderAbort.dispose;
      return db;
    } catch (e) {
      embedderAbort.dispose();
      remote[releaseProxy]();
      worker.terminate();
      throw abortedCall(embedder.signal, abortedCall(open.signal, cloneError(e, what.split(' ')[0]!)));
    } finally {
      openAbort.dispose();
    }
  }

  /** Number of live records, after the last completed call. */
  get size(): number {
    this.#check('size');
    return this.#stats.count;
  }

  /** Vector dimension. */
  get dim(): number {
    this.#check('dim');
    return this.#stats.dim;
  }

  /** Distance metric. */
  get metric(): Metric {
    this.#check('metric');
    return this.#stats.metric;
  }

  /** Counters and configuration after the last completed call (a copy); see {@link Stats}. */
  stats(): Stats {
    this.#check('stats');
    return { ...this.#stats };
  }

  /** See {@link MiniVectorDB.insert}. */
  async insert(item: InsertItem): Promise<void> {
    await this.insertMany([item]);
  }

  /**
   * See {@link MiniVectorDB.records}: iterates on this thread, one `ids`
   * call into the worker, then one `getMany` call per batch (vectors moved back).
   */
  records(options?: RecordsOptions & { vectors?: true }): AsyncIterableIterator<StoredRecord>;
  records(options?: RecordsOptions): AsyncIterableIterator<ListedRecord>;
  records(options?: RecordsOptions): AsyncIterableIterator<ListedRecord> {
    return iterateRecords(this, options);
  }

  /**
   * Waits for pending calls, closes the database (flushing its write-ahead
   * log and writing a checkpoint, as {@link MiniVectorDB.close}) and
   * terminates the worker. Rejects, with the worker terminated all the same,
   * when that final persistence fails. Idempotent; afterwards every call
   * throws ClosedError.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await Promise.race([this.#remote.close(), this.#worker.failed]);
      } finally {
        this.#disposeOnClose();
        this.#remote[releaseProxy]();
        this.#worker.terminate();
      }
    })();
    return this.#closed;
  }

  /** `await using db = await createInWorker(…)` closes the database and the worker at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #check(method: string): void {
    if (this.#closed !== undefined) throw new ClosedError(method);
  }

  async #call(method: RemoteMethod, args: unknown[], spec: MethodSpec): Promise<unknown> {
    this.#check(method);
    let call: Promise<{ value: unknown; stats: Stats | undefined }>;
    let signal: AbortSignal | undefined;
    let forwarded: ReturnType<typeof forwardAbort> | undefined;
    try {
      // Reads the arguments here (packing vectors): a getter that throws is a bad argument.
      const sent = spec.send === undefined ? { args, transfer: [] } : spec.send(args);
      let callback: Sent['callback'];
      if (spec.options !== undefined) {
        // A signal and a progress callback cannot be posted: the signal goes as an id, the callback as a proxy.
        const split = splitOptions(sent.args[spec.options.index]);
        if (split.options !== sent.args[spec.options.index]) sent.args = Object.assign([...sent.args], { [spec.options.index]: split.options });
        ({ signal, callback } = split);
        if (signal?.aborted === true) return Promise.reject(signal.reason); // at once, nothing posted
      }
      forwarded = forwardAbort(signal, (id) => this.#remote.abort(id));
      const moved = sent.transfer.length === 0 ? sent.args : transfer(sent.args, sent.transfer);
      call =
        callback === undefined && forwarded.id === undefined
          ? this.#remote.call(method, moved)
          : this.#remote.call(method, moved, callback === undefined ? undefined : proxy(callback), forwarded.id);
    } catch (e) {
      forwarded?.dispose();
      throw readError(e, `${method}() arguments`);
    }
    try {
      const reply = await Promise.race([call, this.#worker.failed]);
      if (reply.stats !== undefined) this.#stats = reply.stats;
      return reply.value;
    } catch (e) {
      throw abortedCall(signal, cloneError(e, method));
    } finally {
      forwarded.dispose();
    }
  }
}

/** The remote methods, generated in the class's static block from the table in `methods.ts`. */
export interface WorkerMiniVectorDB extends Pick<VectorDatabase, RemoteMethod> {}
