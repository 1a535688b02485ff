// A worker_threads thread that hosts several databases, for the worker
// targets whose storage lives in the worker's realm (memory://, idb://).
// The packaged worker holds one database per thread, and a thread's
// memory:// store and (in Node) its fake IndexedDB die with it; in a browser
// IndexedDB is shared by every worker of the origin. So that a snapshot
// saved by one worker database can be opened by the next, as a browser
// would allow for idb://, every database of these targets runs in this one
// thread: each gets its own MessagePort and its own DatabaseHost (the class
// that minivectordb/worker exposes), over the same Comlink wiring.
//
// The thread also answers raw storage reads and writes (the bytes behind a
// URL, through the library's own adapters) so that tests can inspect a
// snapshot and plant damaged files where the database would look for them.
import 'fake-indexeddb/auto';
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import { DatabaseHost } from '../../../dist/worker/host.js';
import { installErrorTransfer } from '../../../dist/worker/errors-transfer.js';
import { nodeEndpoint } from '../../../dist/worker/node-endpoint.js';
import { openStorage } from '../../../dist/storage/index.js';

installErrorTransfer();

const raw = {
  async read(url) {
    return (await openStorage(url)).read();
  },
  async write(url, bytes) {
    await (await openStorage(url)).write(bytes);
  },
};

parentPort.on('message', (message) => {
  if (message?.kind === 'database') expose(new DatabaseHost(), nodeEndpoint(message.port));
  else if (message?.kind === 'raw') expose(raw, nodeEndpoint(message.port));
});
