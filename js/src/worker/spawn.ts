/**
 * Starts the database worker and turns it into a Comlink endpoint.
 *
 * - Browsers and bundlers: `new Worker(new URL('../worker/worker-entry.js',
 *   import.meta.url), { type: 'module' })`, written out literally so Vite and
 *   webpack 5 bundle the worker and its assets (the core `.wasm`, the
 *   default model) with no plugin or copy step.
 * - Node: a `worker_threads` Worker on the same file (the ESM build, also
 *   from the CommonJS bundle, whose `import.meta.url` is `dist/wasm/load.js`:
 *   hence the `../worker/` path, right from both places).
 * - Custom hosting (CSP, CDN): the caller's own `Worker`, or the URL of a
 *   module worker script that imports `minivectordb/worker-host`.
 */
import type { Endpoint } from 'comlink';
import { isNode } from '../platform.js';
import { InvalidArgumentError, MiniVectorDBError } from '../errors.js';
import { describe } from '../check.js';
import { nodeEndpoint, type NodeMessagePort } from './node-endpoint.js';

/**
 * This module's URL, read apart from any `new URL(…, import.meta.url)`: for
 * Node-only paths, bundlers must not turn it into an emitted asset's public
 * path, and webpack's server builds (Next.js) set it to the package file.
 */
const thisModuleUrl = import.meta.url;

/** Worker file, relative to this module and to the CommonJS bundle's base URL (a variable, so bundlers leave the Node branch alone). */
const ENTRY = '../worker/worker-entry.js';

/** A started worker: its endpoint, how to stop it, and a promise rejected if it dies. */
export interface SpawnedWorker {
  endpoint: Endpoint;
  terminate: () => void;
  /** Rejects with a MiniVectorDBError when the worker fails to load or crashes; never resolves. */
  failed: Promise<never>;
}

/** Where the database worker comes from: the default, a Worker you started, or the URL of a module worker script. */
export type WorkerSource = Worker | URL | string | undefined;

function died(detail: unknown): MiniVectorDBError {
  const message = detail instanceof Error ? detail.message : typeof detail === 'object' && detail !== null && 'message' in detail ? String(detail.message) : String(detail);
  return new MiniVectorDBError('INTERNAL', `the database worker failed: ${message || 'it could not be loaded (check the worker script URL and the Content-Security-Policy worker-src)'}`);
}

interface NodeWorker extends NodeMessagePort {
  once(event: 'error' | 'exit', listener: (value: unknown) => void): unknown;
  terminate(): Promise<number>;
}

function fromNodeWorker(worker: NodeWorker): SpawnedWorker {
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', (e) => reject(died(e)));
    worker.once('exit', (code) => reject(died(`it exited with code ${String(code)}`)));
  });
  failed.catch(() => undefined);
  return { endpoint: nodeEndpoint(worker), terminate: () => void worker.terminate(), failed };
}

function fromWebWorker(worker: Worker): SpawnedWorker {
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(died(e)), { once: true });
    worker.addEventListener('messageerror', () => reject(died('a message could not be deserialised')), { once: true });
  });
  failed.catch(() => undefined);
  return { endpoint: worker as unknown as Endpoint, terminate: () => worker.terminate(), failed };
}

/** Starts (or adopts) the worker. @throws InvalidArgumentError on a `worker` option of the wrong type. */
export async function spawnWorker(source: WorkerSource): Promise<SpawnedWorker> {
  if (source !== undefined && typeof source !== 'string' && !(source instanceof URL)) {
    if (typeof (source as unknown as NodeWorker).on === 'function' && typeof (source as Partial<Worker>).addEventListener !== 'function') {
      return fromNodeWorker(source as unknown as NodeWorker);
    }
    if (typeof (source as Partial<Worker>).postMessage !== 'function' || typeof (source as Partial<Worker>).terminate !== 'function') {
      throw new InvalidArgumentError(`worker must be a Worker, or the URL of a module worker script, got ${describe(source)}`);
    }
    return fromWebWorker(source);
  }
  if (isNode()) {
    // webpackIgnore: Node-only code; webpack's browser builds must not try to bundle node: builtins.
    const { Worker: NodeThread } = await import(/* webpackIgnore: true */ 'node:worker_threads');
    return fromNodeWorker(new NodeThread(source === undefined ? new URL(/* turbopackIgnore: true */ ENTRY, thisModuleUrl) : new URL(source)) as unknown as NodeWorker);
  }
  if (source !== undefined) return fromWebWorker(new Worker(source, { type: 'module' }));
  return fromWebWorker(new Worker(new URL('../worker/worker-entry.js', import.meta.url), { type: 'module' }));
}
