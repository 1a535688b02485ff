/**
 * The core for a `threads` setting: the single-thread core (load.ts) for one
 * thread, else the threaded core — the same C++ built with `-pthread`
 * (shared `WebAssembly.Memory`, Emscripten pthreads on a pool of workers
 * started with the module), whose `add()` links a batch's new labels on
 * several threads (`Index::set_build_threads`, `hnsw_parallel.cpp`).
 *
 * Where threads cannot run, one thread is used and the logger says why at
 * `warn`: a browser page (or worker) that is not cross-origin isolated has
 * no `SharedArrayBuffer`; a caller-given `wasm` source names the
 * single-thread binary. Two glues of one `.wasm`:
 * - Node: `minivectordb_core_threads_node.cjs` through `createRequire`
 *   (Emscripten 3.1.6's ES-module glue reaches for `__dirname` and `require`
 *   under Node), its pool workers (`worker_threads`) unref'd so an idle pool
 *   never keeps a process alive;
 * - browsers: `minivectordb_core_threads.mjs` imported from beside this
 *   module (not bundled: each pthread worker imports the glue by URL).
 */
import type { CoreModule, CoreModuleOptions } from './minivectordb_core.mjs';
import { MiniVectorDBError } from '../errors.js';
import { isNode } from '../platform.js';
import type { Logger } from '../logger.js';
import type { WasmSource } from '../types.js';
import { loadCore } from './load.js';

/** This module's URL, read apart from any `new URL(…, import.meta.url)` so bundlers emit no asset for the threaded glue (see load.ts). */
const thisModuleUrl = import.meta.url;

/** Most threads a build takes (`threads` option). */
export const MAX_BUILD_THREADS = 64;

/** A core and the threads its builds may use. @internal */
export interface ThreadedCore {
  mod: CoreModule;
  /** Threads `add()` links on (1: the serial, seed-deterministic build). */
  threads: number;
}

type CreateCore = (options: CoreModuleOptions) => Promise<CoreModule>;

let threaded: { pool: number; core: Promise<CoreModule> } | undefined;

/** Logical cores of this host (Node's `availableParallelism`, a browser's `hardwareConcurrency`), at least 1. */
async function availableCores(): Promise<number> {
  if (isNode()) {
    const os = await import(/* webpackIgnore: true */ 'node:os');
    return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}

/** Why threads cannot run here, or undefined when they can. */
function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function') {
    return 'this host has no SharedArrayBuffer (a browser page must be cross-origin isolated: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (!isNode() && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return 'this page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  return undefined;
}

async function instantiateNode(pool: number, options: CoreModuleOptions): Promise<CoreModule> {
  // webpackIgnore: Node-only code; browser bundles must not resolve node: builtins.
  const [{ createRequire }, { fileURLToPath }, fs] = await Promise.all([
    import(/* webpackIgnore: true */ 'node:module'),
    import(/* webpackIgnore: true */ 'node:url'),
    import(/* webpackIgnore: true */ 'node:fs/promises'),
  ]);
  const glue = fileURLToPath(new URL('./minivectordb_core_threads_node.cjs', thisModuleUrl));
  const worker = fileURLToPath(new URL('./minivectordb_core_threads_node.worker.cjs', thisModuleUrl));
  const create = createRequire(thisModuleUrl)(glue) as CreateCore;
  const mod = await create({
    ...options,
    wasmBinary: await fs.readFile(new URL('./minivectordb_core_threads.wasm', thisModuleUrl)),
    mainScriptUrlOrBlob: glue,
    locateFile: (path) => (path.endsWith('.worker.js') ? worker : path),
    mvdbPoolSize: pool,
  });
  // Idle pool workers must not keep the process alive (a build joins its threads before it returns).
  for (const w of mod.PThread?.unusedWorkers ?? []) w.unref?.();
  return mod;
}

async function instantiateBrowser(pool: number, options: CoreModuleOptions): Promise<CoreModule> {
  const href = new URL('./minivectordb_core_threads.mjs', thisModuleUrl).href;
  const glue = (await import(/* webpackIgnore: true */ /* @vite-ignore */ href)) as { default: CreateCore };
  return glue.default({ ...options, mainScriptUrlOrBlob: href, locateFile: (path) => new URL(path, href).href, mvdbPoolSize: pool });
}

/** The threaded core, instantiated once per process with a pool of `pool` workers. */
function loadThreadedCore(pool: number, logger: Logger): Promise<CoreModule> {
  if (threaded !== undefined) return threaded.core;
  const options: CoreModuleOptions = {
    print: (text) => logger.debug(text),
    // Emscripten warns once when a page's main thread waits for a pthread: a
    // build there joins its threads, blocking the page for the build as the
    // single-thread core does (createInWorker keeps the page free).
    printErr: (text) => (text.startsWith('Blocking on the main thread') ? logger.debug(text) : logger.warn(text)),
  };
  const core = (isNode() ? instantiateNode(pool, options) : instantiateBrowser(pool, options)).catch((cause: unknown) => {
    threaded = undefined;
    throw new MiniVectorDBError('INTERNAL', `failed to instantiate the threaded WebAssembly core: ${String(cause)}`, { cause });
  });
  threaded = { pool, core };
  return core;
}

/**
 * The core for `threads` (a count, or `'auto'`: the host's logical cores)
 * and the threads its builds may use: one when threads cannot run here
 * (logged at warn, with why), at most the pool of the threaded core loaded
 * first in this process + the calling thread.
 * @internal
 */
export async function loadCoreFor(source: WasmSource | undefined, logger: Logger, requested: number | 'auto'): Promise<ThreadedCore> {
  const wanted = Math.min(MAX_BUILD_THREADS, requested === 'auto' ? await availableCores() : requested);
  if (wanted <= 1) return { mod: await loadCore(source, logger), threads: 1 };
  const why = source !== undefined ? 'the wasm option names the single-thread core (minivectordb_core.wasm)' : threadsUnavailable();
  if (why !== undefined) {
    logger.warn(`threads: ${wanted} requested, but ${why}: building on one thread`);
    return { mod: await loadCore(source, logger), threads: 1 };
  }
  try {
    const mod = await loadThreadedCore(wanted - 1, logger);
    const pool = threaded?.pool ?? wanted - 1;
    if (wanted > pool + 1) logger.debug(`threads: ${wanted} requested; the threaded core's pool has ${pool} workers, so builds use ${pool + 1}`);
    return { mod, threads: Math.min(wanted, pool + 1) };
  } catch (e) {
    logger.warn(`threads: ${wanted} requested, but ${(e as Error).message}: building on one thread`);
    return { mod: await loadCore(source, logger), threads: 1 };
  }
}
