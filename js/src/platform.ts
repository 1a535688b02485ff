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
