// The page of the storage tests (tests/browser/storage.test.ts): runs ops.js
// here (window.page) or in a module worker (window.worker), each answering
// { ok, value } or { ok: false, name, code, message }.
import { answer, ops } from './ops.js';

let worker;
let seq = 0;
const waiting = new Map();

window.page = (op, ...args) => answer(() => ops[op](...args));
window.worker = (op, ...args) => {
  if (worker === undefined) {
    worker = new Worker(new URL('./storage-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      waiting.get(data.id)?.(data.reply);
      waiting.delete(data.id);
    };
  }
  const id = ++seq;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker.postMessage({ id, op, args });
  });
};
window.specsReady = true;
