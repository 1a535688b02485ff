/**
 * The worker side: one {@link MiniVectorDB} per worker, answering the page
 * through Comlink (exposed by `worker-entry.ts`). Its methods are generated
 * from the table in `methods.ts`: one RPC, `call(method, args, callback)`,
 * that runs the method and returns its result with the database's stats.
 * Arguments arrive structured-cloned (vectors as transferred buffers); the
 * database checks them exactly as on the page.
 */
import { transfer } from 'comlink';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import { gateLogger, type Logger, type LogLevel } from '../logger.js';
import { MiniVectorDB } from '../minivectordb.js';
import type { CreateOptions, OpenOptions } from '../option-types.js';
import { METHOD_SPECS, type HostApi, type HostState, type RemoteMethod, type Reply, type StartHooks } from './methods.js';
import { joinOptions, remoteProgress, WorkerSignals } from './call-options.js';

/**
 * With `logLevel` (and no logger, which cannot cross threads) the worker's
 * own `console` is the sink: its messages show in the worker's devtools
 * context. Without `logLevel`, silent as on the main thread.
 */
function withWorkerLogger<T extends { logLevel?: unknown; logger?: unknown }>(options: T): T {
  if (typeof options !== 'object' || options === null || options.logLevel === undefined || options.logger !== undefined) return options;
  return { ...options, logger: globalThis.console };
}

/** The object exposed in the worker. */
export class DatabaseHost implements HostApi {
  #db: MiniVectorDB | undefined;
  readonly #signals = new WorkerSignals();
  /** The page's download progress callback, kept while the embedder may load. */
  #downloads: ReturnType<typeof remoteProgress> | undefined;
  /** The database's logger (the same sink and level), for what happens outside its calls. */
  #logger: Logger = gateLogger(undefined);

  ready(): true {
    return true;
  }

  async create(options: Record<string, unknown>, hooks: StartHooks = {}, callback?: unknown): Promise<HostState> {
    return this.#start(options, hooks, callback, (sent) => MiniVectorDB.create(sent as CreateOptions));
  }

  async open(url: string, options: Record<string, unknown>, hooks: StartHooks = {}, callback?: unknown): Promise<HostState> {
    return this.#start(options, hooks, callback, (sent) => MiniVectorDB.open(url, sent as OpenOptions));
  }

  abort(signalId: number): void {
    this.#signals.abort(signalId);
  }

  async call(method: RemoteMethod, args: unknown[], callback?: unknown, signalId?: number): Promise<Reply> {
    if (!Object.hasOwn(METHOD_SPECS, method)) throw new InvalidArgumentError(`${String(method)} is not a method of the database`);
    const db = this.#live(method);
    const spec = METHOD_SPECS[method];
    const fn = (db as unknown as Record<RemoteMethod, (...a: unknown[]) => Promise<unknown>>)[method].bind(db);
    const progress = callback === undefined || spec.options === undefined ? undefined : remoteProgress(callback, this.#logger, spec.options.work);
    let value: unknown;
    try {
      const signal = this.#signals.signal(signalId);
      const at = spec.options?.index;
      if (at !== undefined && (signal !== undefined || progress !== undefined)) {
        args = [...args];
        args[at] = joinOptions(args[at], signal, progress?.call);
      }
      value = await fn(...args);
    } finally {
      this.#signals.release(signalId);
      await progress?.settle();
    }
    // A call that completes while the page closes the database still succeeds; its counters are then not sent.
    let stats: Reply['stats'];
    try {
      stats = db.stats();
    } catch {
      stats = undefined;
    }
    const reply: Reply = { value, stats };
    const buffers = spec.reply?.(value) ?? [];
    return buffers.length === 0 ? reply : transfer(reply, buffers);
  }

  async close(): Promise<void> {
    try {
      await this.#db?.close();
    } finally {
      await this.#downloads?.settle();
    }
  }

  /**
   * Creates or opens the worker's database with what the options could not
   * carry put back (`StartHooks`): open's signal and progress, and the
   * embedder's — whose signal and download progress live as long as the
   * embedder (the model may load at the first text call after open).
   */
  async #start(options: Record<string, unknown>, hooks: StartHooks, callback: unknown, start: (sent: Record<string, unknown>) => Promise<MiniVectorDB>): Promise<HostState> {
    const { signalId, embedderSignalId, progress: sources = [] } = hooks;
    const relay = callback === undefined ? undefined : remoteProgress(callback, this.#logger, 'open');
    const forward = (source: 'open' | 'download') => (sources.includes(source) && relay !== undefined ? (event: unknown) => relay.call(source, event) : undefined);
    let sent = withWorkerLogger(options);
    const embedder = sent.embedder;
    if (typeof embedder === 'object' && embedder !== null && (embedderSignalId !== undefined || sources.includes('download'))) {
      sent = { ...sent, embedder: joinOptions(embedder, this.#signals.signal(embedderSignalId), forward('download')) };
    }
    sent = joinOptions(sent, this.#signals.signal(signalId), forward('open')) as Record<string, unknown>;
    let db: MiniVectorDB;
    try {
      db = await start(sent);
    } catch (e) {
      await relay?.settle();
      throw e;
    } finally {
      this.#signals.release(signalId);
    }
    // Downloads may still come (a model loaded at the first text call): the callback stays until close().
    if (sources.includes('download')) {
      this.#downloads = relay;
      await relay?.delivered();
    } else await relay?.settle();
    return this.#init(db, sent);
  }

  #init(db: MiniVectorDB, options: { logger?: unknown; logLevel?: unknown }): HostState {
    if (this.#db !== undefined) {
      void db.close();
      throw new InvalidArgumentError('this worker already holds a database: use one worker per database');
    }
    this.#db = db;
    this.#logger = gateLogger(options.logger as Logger | undefined, options.logLevel as LogLevel | undefined); // checked by create()/open()
    return { stats: db.stats() };
  }

  #live(method: string): MiniVectorDB {
    if (this.#db === undefined) throw new ClosedError(method);
    return this.#db;
  }
}
