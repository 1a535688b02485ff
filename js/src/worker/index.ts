/**
 * `minivectordb/worker`: a database in a worker, from the page's side.
 * `createInWorker` / `openInWorker` return a {@link WorkerMiniVectorDB},
 * which implements the same {@link VectorDatabase} as `MiniVectorDB`.
 * Importing this module starts nothing; the worker's own script is
 * `minivectordb/worker-host`.
 * @packageDocumentation
 */
export { createInWorker, openInWorker } from './factory.js';
export type { WorkerMiniVectorDB } from './proxy.js';
export type { Query, VectorDatabase } from '../vector-database.js';
export type { CreateInWorkerOptions, OpenInWorkerOptions, WorkerOptions } from '../option-types.js';
