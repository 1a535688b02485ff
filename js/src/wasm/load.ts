/**
 * Loads the WebAssembly core once per process (per {@link WasmSource} when one is given).
 *
 * - Browsers and bundlers: the `.wasm` is found through
 *   `new URL('./minivectordb_core.wasm', import.meta.url)`, a pattern Vite and
 *   webpack rewrite to the emitted asset; `wasm.url` overrides it (CDN, CSP).
 * - Node: Emscripten 3.1.6's loader would `fetch()` a file path, so the bytes
 *   are read from the package folder and passed as `wasmBinary`.
 * - A compiled `WebAssembly.Module` (`wasm.module`, Cloudflare Workers, which
 *   forbid compiling at run time) goes through the glue's `instantiateWasm`
 *   hook; the core is built with `-sDYNAMIC_EXECUTION=0` so that its Embind
 *   glue never calls `new Function`, which such hosts forbid as well.
 */
import createMiniVectorDBCore, { type CoreModule, type CoreModuleOptions } from './minivectordb_core.mjs';
import { MiniVectorDBError } from '../errors.js';
import { hasModuleUrl, isNode } from '../platform.js';
import type { Logger } from '../logger.js';
import type { WasmSource } from '../types.js';

/**
 * This module's URL, read apart from any `new URL(…, import.meta.url)`: for
 * Node-only paths, bundlers must not turn it into an emitted asset's public
 * path, and webpack's server builds (Next.js) set it to the package file.
 */
const thisModuleUrl = import.meta.url;

const cache = new Map<string, Promise<CoreModule>>();
const moduleCache = new WeakMap<WebAssembly.Module, Promise<CoreModule>>();

async function readPackagedWasm(url: URL): Promise<Uint8Array> {
  // webpackIgnore: Node-only code; webpack's browser builds must not try to bundle node: builtins.
  const fs = await import(/* webpackIgnore: true */ 'node:fs/promises');
  return fs.readFile(url);
}

/**
 * Options that instantiate a compiled module through the glue's
 * `instantiateWasm(imports, receiveInstance)` hook (Emscripten 3.1.6,
 * `createWasm`); `failed` rejects when instantiation does, since the glue
 * only learns of errors the hook throws synchronously.
 */
function fromCompiledModule(module: WebAssembly.Module, options: CoreModuleOptions): Promise<never> {
  let fail: (cause: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // No file is fetched; naming one keeps the glue from resolving its default against import.meta.url.
  options.locateFile = (path) => path;
  options.instantiateWasm = (imports, receiveInstance) => {
    WebAssembly.instantiate(module, imports as WebAssembly.Imports) // the glue's import object
      .then((instance) => receiveInstance(instance, module))
      .catch(fail);
    return {};
  };
  return failed;
}

/**
 * The packaged `.wasm` as a file: URL in Node. A server bundle (Next.js on
 * webpack) rewrites `defaultUrl` into a public path such as
 * `/_next/static/media/…`, which Node cannot fetch; `thisModuleUrl` still
 * names the package file.
 */
function nodeFileUrl(defaultUrl: URL): URL {
  return defaultUrl.protocol === 'file:' ? defaultUrl : new URL(/* turbopackIgnore: true */ './minivectordb_core.wasm', thisModuleUrl);
}

async function instantiate(source: WasmSource | undefined, logger: Logger): Promise<CoreModule> {
  const options: CoreModuleOptions = {
    print: (text) => logger.debug(text),
    printErr: (text) => logger.warn(text),
  };
  if (source?.module !== undefined) {
    const failed = fromCompiledModule(source.module, options);
    try {
      return await Promise.race([createMiniVectorDBCore(options), failed]);
    } catch (cause) {
      throw new MiniVectorDBError('INTERNAL', `failed to instantiate the WebAssembly core from wasm.module (is it minivectordb_core.wasm of this version?): ${String(cause)}`, { cause });
    }
  }
  if (source?.binary === undefined && source?.url === undefined && !hasModuleUrl(import.meta.url)) {
    throw new MiniVectorDBError(
      'INTERNAL',
      "cannot locate minivectordb_core.wasm: this runtime gives modules no URL (as Cloudflare Workers do); pass wasm: { module } (import core from 'minivectordb/core.wasm'), wasm: { binary } or wasm: { url }",
    );
  }
  const defaultUrl = new URL('./minivectordb_core.wasm', import.meta.url);
  if (source?.binary !== undefined) {
    options.wasmBinary = source.binary;
  } else if (source?.url !== undefined) {
    const href = String(source.url);
    options.locateFile = () => href;
  } else if (isNode() && nodeFileUrl(defaultUrl).protocol === 'file:') {
    options.wasmBinary = await readPackagedWasm(nodeFileUrl(defaultUrl));
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
  if (source?.module !== undefined) {
    const compiled = source.module;
    let m = moduleCache.get(compiled);
    if (m === undefined) {
      m = instantiate(source, logger);
      moduleCache.set(compiled, m);
      m.catch(() => moduleCache.delete(compiled));
    }
    return m;
  }
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
