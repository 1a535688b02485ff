/**
 * Bad files are rejected cheaply: a huge file that is not a snapshot (wrong
 * magic), or whose header declares more bytes than it holds, fails with
 * SnapshotError after reading its headers only — quickly and without reading
 * it into memory — for file:// (sparse files: no disk used) and idb://
 * (fake-indexeddb; bytes handed out by IndexedDB are counted).
 */
import 'fake-indexeddb/auto';
import { open as openFile, readFile, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { openDB } from 'idb';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, SnapshotError } from 'minivectordb';
import { caught, randomVectors, tempDir } from './helpers.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const CHUNK = 4 * MiB; // idb.ts CHUNK_BYTES

/** A snapshot file header (format 2.0) with `sections` sections and a valid CRC-32. */
function header(sections: number): Uint8Array {
  const h = new Uint8Array(24);
  h.set(new TextEncoder().encode('MVDBSNAP'), 0);
  const v = new DataView(h.buffer);
  v.setUint16(8, 2, true);
  v.setUint32(12, sections, true);
  v.setUint32(20, crc32(h.subarray(0, 20)), true);
  return h;
}

/** A 16-byte section header declaring `length` payload bytes (its CRC is not checked before the payload is read). */
function sectionHeader(tag: string, length: bigint): Uint8Array {
  const s = new Uint8Array(16);
  s.set(new TextEncoder().encode(tag), 0);
  new DataView(s.buffer).setBigUint64(8, length, true);
  return s;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs `fn` (which must reject with SnapshotError) and reports its time and resident memory growth. */
async function measure(fn: () => Promise<unknown>): Promise<{ error: SnapshotError; ms: number; rssGrowth: number }> {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const error = await caught(fn, SnapshotError);
  const ms = performance.now() - t0;
  return { error, ms, rssGrowth: process.memoryUsage().rss - rss0 };
}

describe('file://', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let good: Uint8Array;

  beforeAll(async () => {
    tmp = await tempDir();
    // Warm up: the WebAssembly module is loaded and instantiated before memory is measured.
    const db = await MiniVectorDB.create({ dim: 4 });
    await db.insertMany(randomVectors(20, 4, 1).map((vector, i) => ({ id: `v${i}`, vector })));
    await db.save(tmp.url('good.mvdb'));
    await db.close();
    good = new Uint8Array(await readFile(new URL(tmp.url('good.mvdb'))));
    await (await MiniVectorDB.open(tmp.url('good.mvdb'))).close();
  });
  afterAll(async () => tmp?.cleanup());

  /** A sparse file of `size` bytes starting with `head` (the rest reads as zeros, no disk blocks). */
  async function sparse(name: string, head: Uint8Array, size: number): Promise<string> {
    const url = tmp.url(name);
    const f = await openFile(new URL(url), 'w');
    try {
      await f.write(head, 0, head.length, 0);
      await f.truncate(size);
    } finally {
      await f.close();
    }
    return url;
  }

  test('a 1 GB file with a wrong magic fails in well under a second, with bounded memory', async () => {
    const url = await sparse('wrong-magic.mvdb', new TextEncoder().encode('NOTASNAPSHOT'), GiB);
    const { error, ms, rssGrowth } = await measure(() => MiniVectorDB.open(url));
    expect(error.code).toBe('SNAPSHOT_CORRUPT');
    expect(error.message).toContain('magic');
    expect(ms).toBeLessThan(2000);
    expect(rssGrowth).toBeLessThan(100 * MiB);
  });

  test('a 1 GB file whose valid header declares a section larger than the file', async () => {
    const head = concat(header(1), sectionHeader('CONF', 4n * BigInt(GiB)));
    const url = await sparse('lying-length.mvdb', head, GiB);
    const { error, ms, rssGrowth } = await measure(() => MiniVectorDB.open(url));
    expect(error.code).toBe('SNAPSHOT_CORRUPT');
    expect(error.message).toMatch(/claims 4294967296 bytes but only \d+ remain/);
    expect(ms).toBeLessThan(2000);
    expect(rssGrowth).toBeLessThan(100 * MiB);
  });

  test('a u64 length that does not fit a double (2^64 − 1) is still compared exactly', async () => {
    const url = tmp.url('u64-max.mvdb');
    await writeFile(new URL(url), concat(header(1), sectionHeader('VECS', 2n ** 64n - 1n), new Uint8Array(100)));
    const err = await caught(() => MiniVectorDB.open(url), SnapshotError);
    expect(err.message).toContain('claims 18446744073709551615 bytes but only 100 remain');
  });

  test('a good snapshot followed by 1 GB of zeros (sections end before the file does)', async () => {
    const url = await sparse('trailing.mvdb', good, GiB);
    const { error, ms, rssGrowth } = await measure(() => MiniVectorDB.open(url));
    expect(error.code).toBe('SNAPSHOT_CORRUPT');
    expect(error.message).toContain(`${GiB - good.length} unexpected trailing bytes`);
    expect(ms).toBeLessThan(2000);
    expect(rssGrowth).toBeLessThan(100 * MiB);
  });

  test('a 5 GB file whose sections add up exactly is refused by the 4 GiB cap before it is read', async () => {
    const size = 5 * GiB;
    const url = await sparse('too-big.mvdb', concat(header(1), sectionHeader('USER', BigInt(size - 40))), size);
    const { error, ms, rssGrowth } = await measure(() => MiniVectorDB.open(url));
    expect(error.code).toBe('SNAPSHOT_CORRUPT');
    expect(error.message).toContain(`${size} bytes is more than the ${4 * GiB - 64 * 1024} bytes`);
    expect(ms).toBeLessThan(2000);
    expect(rssGrowth).toBeLessThan(100 * MiB);
  });

  test('an unsupported major version (valid header checksum) is SNAPSHOT_VERSION before the rest is read', async () => {
    const h = header(0);
    const v = new DataView(h.buffer);
    v.setUint16(8, 7, true);
    v.setUint32(20, crc32(h.subarray(0, 20)), true);
    const url = await sparse('v7.mvdb', h, GiB);
    const { error, ms, rssGrowth } = await measure(() => MiniVectorDB.open(url));
    expect(error.code).toBe('SNAPSHOT_VERSION');
    expect(ms).toBeLessThan(2000);
    expect(rssGrowth).toBeLessThan(100 * MiB);
  });

  test('good snapshots still open', async () => {
    const db = await MiniVectorDB.open(tmp.url('good.mvdb'));
    expect(db.size).toBe(20);
    await db.close();
  });
});

describe('idb://', () => {
  /** Bytes of chunk values handed out by IndexedDB while `fn` runs (get and getAll on the chunks store). */
  async function chunkBytesRead(fn: () => Promise<unknown>): Promise<number> {
    const proto = globalThis.IDBObjectStore.prototype as unknown as Record<'get' | 'getAll', (...args: unknown[]) => IDBRequest>;
    const originals = { get: proto.get, getAll: proto.getAll };
    let bytes = 0;
    const count = (v: unknown): void => {
      if (v instanceof Uint8Array) bytes += v.byteLength;
      else if (Array.isArray(v)) v.forEach(count);
    };
    for (const name of ['get', 'getAll'] as const) {
      proto[name] = function (this: IDBObjectStore, ...args: unknown[]) {
        const request = originals[name].apply(this, args);
        if (this.name === 'chunks') request.addEventListener('success', () => count(request.result));
        return request;
      };
    }
    try {
      await fn();
    } finally {
      Object.assign(proto, originals);
    }
    return bytes;
  }

  /** Writes a manifest for `byteLength` bytes and the given chunks straight into IndexedDB (as a same-origin page could). */
  async function plant(name: string, byteLength: number, chunks: Uint8Array[]): Promise<void> {
    // Creates the schema through the library first, so the raw write below finds its stores.
    await MiniVectorDB.listSaved('idb://');
    const db = await openDB('minivectordb');
    try {
      const tx = db.transaction(['manifests', 'chunks'], 'readwrite');
      await tx.objectStore('manifests').put({ name, generation: 1, chunks: Math.ceil(byteLength / CHUNK), byteLength, savedAt: 0 });
      for (let i = 0; i < chunks.length; i++) await tx.objectStore('chunks').put(chunks[i]!, [name, 1, i]);
      await tx.done;
    } finally {
      db.close();
    }
  }

  afterEach(async () => {
    for (const url of await MiniVectorDB.listSaved('idb://')) await MiniVectorDB.removeSaved(url);
  });

  test('a 64 MB snapshot with a wrong magic: one chunk is read, then SnapshotError', async () => {
    const chunks = Array.from({ length: 16 }, () => new Uint8Array(CHUNK));
    chunks[0]!.set(new TextEncoder().encode('NOTASNAPSHOT'));
    await plant('wrong-magic', 16 * CHUNK, chunks);
    let error: SnapshotError | undefined;
    const read = await chunkBytesRead(async () => {
      error = await caught(() => MiniVectorDB.open('idb://wrong-magic'), SnapshotError);
    });
    expect(error!.code).toBe('SNAPSHOT_CORRUPT');
    expect(error!.message).toContain('magic');
    expect(read).toBeLessThanOrEqual(CHUNK);
  });

  test('a manifest claiming 1 GB over one stored chunk with a wrong magic: SnapshotError, quickly, bounded memory', async () => {
    const first = new Uint8Array(CHUNK);
    first.set(new TextEncoder().encode('NOTASNAPSHOT'));
    await plant('huge-manifest', GiB, [first]);
    const { error, ms, rssGrowth } = await measure(() => MiniVectorDB.open('idb://huge-manifest'));
    expect(error.code).toBe('SNAPSHOT_CORRUPT');
    expect(ms).toBeLessThan(2000);
    expect(rssGrowth).toBeLessThan(100 * MiB);
  });

  test('a valid header whose section declares more than the manifest holds: SnapshotError after one chunk', async () => {
    const chunks = Array.from({ length: 4 }, () => new Uint8Array(CHUNK));
    chunks[0]!.set(concat(header(1), sectionHeader('VECS', 64n * BigInt(MiB))));
    await plant('lying', 4 * CHUNK, chunks);
    let error: SnapshotError | undefined;
    const read = await chunkBytesRead(async () => {
      error = await caught(() => MiniVectorDB.open('idb://lying'), SnapshotError);
    });
    expect(error!.code).toBe('SNAPSHOT_CORRUPT');
    expect(error!.message).toContain('claims 67108864 bytes');
    expect(read).toBeLessThanOrEqual(CHUNK);
  });

  test('a good multi-chunk snapshot still opens (and is read once)', async () => {
    const db = await MiniVectorDB.create({ dim: 128, storage: 'idb://good', M: 4, efConstruction: 10 });
    const vectors = randomVectors(9000, 128, 2); // 4.6 MB of float32: two chunks
    await db.insertMany(vectors.map((vector, i) => ({ id: `v${i}`, vector })));
    await db.save();
    let size = 0;
    const read = await chunkBytesRead(async () => {
      const again = await MiniVectorDB.open('idb://good', { lock: 'readonly' }); // db holds the write lock
      size = again.size;
      await again.close();
    });
    expect(size).toBe(9000);
    const raw = await openDB('minivectordb');
    const stored = (await raw.get('manifests', 'good')) as { byteLength: number };
    raw.close();
    expect(read).toBeGreaterThanOrEqual(stored.byteLength);
    expect(read).toBeLessThanOrEqual(stored.byteLength + 2 * CHUNK); // the whole snapshot, plus the chunks holding headers
    await db.close();
  });
});
