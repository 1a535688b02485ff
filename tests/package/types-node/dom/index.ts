// With the DOM lib, `worker` takes the real Worker type (and wasm.module the real WebAssembly.Module,
// an interface without members, so any object passes there, as in the DOM lib itself).
import { MiniVectorDB } from 'minivectordb';

export const a = MiniVectorDB.createInWorker({ dim: 3, worker: new Worker('w.js', { type: 'module' }) });
export const b = MiniVectorDB.create({ dim: 3, wasm: { module: new WebAssembly.Module(new Uint8Array(8)) } });
// @ts-expect-error a MessagePort is not a Worker
export const c = MiniVectorDB.createInWorker({ dim: 3, worker: new MessageChannel().port1 });
