/**
 * Node's `worker_threads` as a Comlink endpoint, through Comlink's own
 * adapter (Node workers and ports use `.on('message')`, not `addEventListener`).
 */
import type { Endpoint } from 'comlink';
// @ts-expect-error -- comlink ships this adapter's types as node-adapter.d.ts, which NodeNext does not pair with a .mjs file
import adapter from 'comlink/dist/esm/node-adapter.mjs';

/** The subset of a worker_threads `Worker` or `MessagePort` the adapter uses. */
export interface NodeMessagePort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
  start?: () => void;
}

/** Wraps a worker_threads `Worker` (main side) or `parentPort` (worker side). */
export const nodeEndpoint = adapter as (port: NodeMessagePort) => Endpoint;

