/**
 * Entry point of the database worker (`dist/worker/worker-entry.js`, also
 * exported as `minivectordb/worker` for self-hosted workers): exposes a
 * {@link DatabaseHost} through Comlink on the worker's scope — a module Web
 * Worker's `self`, or `parentPort` in a Node `worker_threads` worker.
 */
import { expose, type Endpoint } from 'comlink';
import { isNode } from '../embed/model-loader.js';
import { installErrorTransfer } from './errors-transfer.js';
import { DatabaseHost } from './host.js';
import { nodeEndpoint } from './node-endpoint.js';

installErrorTransfer();
const host = new DatabaseHost();
if (!isNode()) {
  expose(host, globalThis as unknown as Endpoint);
} else {
  // No top-level await (bundlers may emit workers as classic scripts); Node
  // buffers the parent's messages until the listener is attached.
  void import('node:worker_threads').then(({ parentPort }) => {
    if (parentPort === null) throw new Error('minivectordb/worker must run in a worker thread');
    expose(host, nodeEndpoint(parentPort));
  });
}
