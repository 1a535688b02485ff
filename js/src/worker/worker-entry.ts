/**
 * The script of the database worker (`dist/worker/worker-entry.js`, also
 * exported as `minivectordb/worker-host` for self-hosted workers): exposes a
 * {@link DatabaseHost} through Comlink on the worker's scope — a module Web
 * Worker's `self`, or `parentPort` in a Node `worker_threads` worker.
 * Importing it starts a host; the page side (`createInWorker`) is
 * `minivectordb/worker` (`index.ts`), which never does.
 */
import { expose, type Endpoint } from 'comlink';
import { isNode } from '../platform.js';
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
  // webpackIgnore: Node-only code; webpack's browser builds must not try to bundle node: builtins.
  void import(/* webpackIgnore: true */ 'node:worker_threads').then(({ parentPort }) => {
    if (parentPort === null) throw new Error('minivectordb/worker-host must run in a worker thread');
    expose(host, nodeEndpoint(parentPort));
  });
}
