// A module worker that runs the storage operations of ops.js on a worker
// thread (where opfs:// writes through FileSystemSyncAccessHandle).
import { answer, ops } from './ops.js';

self.onmessage = async ({ data: { id, op, args } }) => {
  self.postMessage({ id, reply: await answer(() => ops[op](...args)) });
};
