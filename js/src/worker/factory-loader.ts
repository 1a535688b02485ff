/**
 * How {@link MiniVectorDB.createInWorker} and `openInWorker` reach
 * `worker/factory.ts` without `minivectordb.ts` importing it.
 *
 * Why: the database worker (`worker-entry.ts` → `host.ts`) imports the
 * database class. Had the class itself an `import('./worker/factory.js')`,
 * the worker's module graph would reach `spawn.ts`, whose
 * `new Worker(new URL('./worker-entry.js', import.meta.url))` names the
 * worker again: a worker that can spawn itself. Turbopack (Next.js 16's
 * default bundler) then deadlocks in `next build` at 0% CPU
 * (vercel/next.js#97399, unfixed in Next 16.5.0), and other bundlers emit a
 * nested copy of the worker. So the package's main entry (`index.ts`, never
 * imported by the worker) hands the loader in, and the worker's copy of the
 * class has none: nested database workers are not supported.
 * tests/js/worker-graph.test.ts checks that worker-entry.js never reaches spawn.js.
 */
import { MiniVectorDBError } from '../errors.js';

type Factory = typeof import('./factory.js');

let load: (() => Promise<Factory>) | undefined;

/** Sets the loader (once, from the main entry) and returns `value` unchanged, so the entry's export depends on the call and no bundler drops it. */
export function withWorkerFactory<T>(value: T, loader: () => Promise<Factory>): T {
  load = loader;
  return value;
}

/** @throws MiniVectorDBError (`'INTERNAL'`) inside a database worker or when the class was not loaded through the package entry. */
export function loadWorkerFactory(): Promise<Factory> {
  if (load === undefined) {
    return Promise.reject(new MiniVectorDBError('INTERNAL', 'createInWorker/openInWorker are only available through the package entry ("minivectordb" or "minivectordb/worker"), not inside a database worker'));
  }
  return load();
}
