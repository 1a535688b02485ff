/**
 * Model-file cache on the browser Cache API (`caches.open(name)`), keyed by
 * the file's URL. `cache.put` stores a whole response or nothing.
 */
import type { ModelCache } from './embedder.js';

export class CacheApiModelCache implements ModelCache {
  private bucket: Promise<Cache> | undefined;

  constructor(private readonly name: string) {}

  private open(): Promise<Cache> {
    this.bucket ??= caches.open(this.name);
    return this.bucket;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const res = await (await this.open()).match(key);
    if (res === undefined) return undefined;
    const bytes = new Uint8Array(await res.arrayBuffer());
    // An entry whose length disagrees with what was stored is treated as absent.
    const stored = Number(res.headers.get('x-minivectordb-length'));
    if (Number.isFinite(stored) && stored !== bytes.length) return undefined;
    return bytes;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const body = new Uint8Array(bytes); // own copy on a plain ArrayBuffer
    await (await this.open()).put(
      key,
      new Response(body, { headers: { 'content-type': 'application/octet-stream', 'x-minivectordb-length': String(bytes.length) } }),
    );
  }

  async delete(key: string): Promise<void> {
    await (await this.open()).delete(key);
  }
}

/** True when this runtime has the Cache API. */
export function hasCacheApi(): boolean {
  return typeof (globalThis as { caches?: unknown }).caches === 'object';
}
