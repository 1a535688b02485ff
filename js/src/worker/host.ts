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
import { METHOD_SPECS, type HostApi, type HostState, type RemoteMethod, type Reply } from './methods.js';

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
  /** The database's logger (the same sink and level), for what happens outside its calls. */
  #logger: Logger = gateLogger(undefined);

  ready(): true {
    return true;
  }

  async create(options: Record<string, unknown>): Promise<HostState> {
    const sent = withWorkerLogger(options as CreateOptions);
    return this.#init(await MiniVectorDB.create(sent), sent);
  }

  async open(url: string, options: Record<string, unknown>): Promise<HostState> {
    const sent = withWorkerLogger(options as OpenOptions);
    return this.#init(await MiniVectorDB.open(url, sent), sent);
  }

  async call(method: RemoteMethod, args: unknown[], callback?: unknown): Promise<Reply> {
    if (!Object.hasOwn(METHOD_SPECS, method)) throw new InvalidArgumentError(`${String(method)} is not a method of the database`);
    const db = this.#live(method);
    const spec = METHOD_SPECS[method];
    const fn = (db as unknown as Record<RemoteMethod, (...a: unknown[]) => Promise<unknown>>)[method].bind(db);
    const run = (a: unknown[]): Promise<unknown> => fn(...a);
    const value = await (spec.receive === undefined ? run(args) : spec.receive(run, args, callback, this.#logger));
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
    await this.#db?.close();
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
