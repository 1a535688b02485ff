/**
 * Environment detection, in one place: which host the library runs in
 * decides how files, workers and the WebAssembly binary are reached.
 * @internal
 */

/** True in Node.js (and runtimes that present themselves as Node), where `node:` modules and `file://` paths are available. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * True when `metaUrl` (a module's `import.meta.url`) is an absolute URL that
 * package files can be resolved against. Cloudflare Workers give bundled
 * modules none, so files must be passed in there (`wasm: { module }`).
 */
export function hasModuleUrl(metaUrl: unknown): metaUrl is string {
  if (typeof metaUrl !== 'string') return false;
  try {
    new URL(metaUrl);
    return true;
  } catch {
    return false;
  }
}
