/**
 * Node only (imported lazily by `ort-session.ts`): the folder of
 * onnxruntime-web's `.wasm`/`.mjs` files on disk. Its bundled build embeds
 * the single-threaded WebAssembly, but with threads it starts its workers
 * from its own `.mjs` URL, which Node's fetch cannot read ("no available
 * backend found … fetch failed"); given this folder as a plain path
 * (`ort.env.wasm.wasmPaths`), it reads the files from disk instead.
 * @internal
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `dist/` folder of the installed onnxruntime-web, with a trailing separator; undefined when it cannot be resolved. */
export function ortWasmFolder(): string | undefined {
  try {
    // The CommonJS build (dist/index.cjs) has an empty import.meta: resolve through require there.
    const entry = typeof import.meta.resolve === 'function' ? fileURLToPath(import.meta.resolve('onnxruntime-web/wasm')) : require.resolve('onnxruntime-web/wasm');
    return `${dirname(entry)}/`;
  } catch {
    return undefined;
  }
}
