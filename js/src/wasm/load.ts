/**
 * Loads the WebAssembly core once per process (per {@link WasmSource} when one is given).
 *
 * - Browsers and bundlers: the `.wasm` is found through
 *   `new URL('./minivectordb_core.wasm', import.meta.url)`, a pattern Vite and
 *   webpack rewrite to the emitted asset; `wasm.url` overrides it (CDN, CSP).
 * - Node: Emscripten 3.1.6's loader would `fetch()` a file path, so the bytes
 *   are read from the package folder and passed as `wasmBinary`.
 */
import createMiniVectorDBCore, { type CoreModule, type CoreModuleOptions } from './minivectordb_core.mjs';
import { MiniVectorDBError } from '../errors.js';
import { isNode } from '../platform.js';
import type { Logger } from '../logger.js';
import type { WasmSource } from '../types.js';

const cache = new Map<string, Promise<CoreModule>>();

async function readPackagedWasm(url: URL): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  return fs.readFile(url);
}

async function instantiate(source: WasmSource | undefined, logger: Logger): Promise<CoreModule> {
  const defaultUrl = new URL('./minivectordb_core.wasm', import.meta.url);
  const options: CoreModuleOptions = {
    print: (text) => logger.debug(text),
    printErr: (text) => logger.warn(text),
  };
  if (source?.binary !== undefined) {
    options.wasmBinary = source.binary;
  } else if (source?.url !== undefined) {
    const href = String(source.url);
    options.locateFile = () => href;
  } else if (isNode() && defaultUrl.protocol === 'file:') {
    options.wasmBinary = await readPackagedWasm(defaultUrl);
  } else {
    options.locateFile = () => defaultUrl.href;
  }
  try {
    return await createMiniVectorDBCore(options);
  } catch (cause) {
    throw new MiniVectorDBError('INTERNAL', `failed to instantiate the WebAssembly core: ${String(cause)}`, { cause });
  }
}

/**
 * The core module for `source` (the packaged `.wasm` when undefined), instantiated at most once.
 * @internal
 */
export function loadCore(source: WasmSource | undefined, logger: Logger): Promise<CoreModule> {
  const key = source?.binary !== undefined ? '' : String(source?.url ?? 'default');
  if (key === '') return instantiate(source, logger); // caller-provided bytes: no cache key
  let p = cache.get(key);
  if (p === undefined) {
    p = instantiate(source, logger);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
