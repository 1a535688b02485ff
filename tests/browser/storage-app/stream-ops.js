// Operations of the streamed-open and crash tests (tests/browser/open-stream.test.ts,
// tests/browser/readers.test.ts, bench/storage/tab-crash.mjs), run on the page or
// in the worker through ops.js. The checks compare against the values written
// and a brute-force search written here, sharing no code with the library.
import { MiniVectorDB } from 'minivectordb';
import { openStorage } from 'minivectordb-storage';
import { mulberry32 } from '../../shared/prng.mjs';
import { applyTo, differences, Reference, workload } from '../../shared/wal-workload.mjs';

/** `n` seeded records: id → { vector (float32 values), metadata }. */
function allRecords(n, dim, seed) {
  const rng = mulberry32(seed);
  const out = new Map();
  for (let i = 0; i < n; i++) {
    const vector = Array.from({ length: dim }, () => Math.fround(rng() * 2 - 1));
    out.set(`b${i}`, { vector, metadata: { i, g: i % 5 } });
  }
  return out;
}

/** The records `bigSave` leaves: allRecords less every 97th, every 89th updated. */
function bigRecords(n, dim, seed) {
  const out = allRecords(n, dim, seed);
  for (let i = 0; i < n; i += 97) out.delete(`b${i}`);
  for (let i = 1; i < n; i += 89) if (out.has(`b${i}`)) out.get(`b${i}`).metadata = { i, g: i % 5, edited: true };
  return out;
}

function queriesOf(dim, seed) {
  const rng = mulberry32(seed ^ 0x5eed);
  return Array.from({ length: 5 }, () => Array.from({ length: dim }, () => Math.fround(rng() * 2 - 1)));
}

/** The k nearest records by L2 over `records` (ties by id), as ids. */
function bruteForce(records, query, k) {
  const scored = [];
  for (const [id, r] of records) {
    let d = 0;
    for (let j = 0; j < query.length; j++) d += (r.vector[j] - query[j]) ** 2;
    scored.push({ id, d });
  }
  scored.sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1));
  return scored.slice(0, k).map((h) => h.id);
}

/**
 * Appends to `problems` (at most 10 in all) what differs between the open
 * database `db` and the records `want` (id → { vector, metadata }): the
 * count, then each record missing, its vector (dim float32 values, exact) or
 * its metadata.
 */
async function recordProblems(db, want, dim, problems) {
  if (db.size !== want.size) problems.push(`size ${db.size}, expected ${want.size}`);
  const ids = [...want.keys()];
  const got = await db.getMany(ids);
  for (let r = 0; r < ids.length && problems.length < 10; r++) {
    const w = want.get(ids[r]);
    const g = got[r];
    if (g === undefined) problems.push(`${ids[r]} missing`);
    else if (g.vector.length !== dim || g.vector.some((x, j) => x !== w.vector[j])) problems.push(`${ids[r]}: vector differs`);
    else if (JSON.stringify(g.metadata) !== JSON.stringify(w.metadata)) problems.push(`${ids[r]}: metadata ${JSON.stringify(g.metadata)}`);
  }
}

/** IndexedDB request → promise. */
const done = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
const committed = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
const CHUNK = 4 * 1024 * 1024; // the layout of js/src/storage/idb.ts since schema 1

/** The OPFS folder of an opfs:// database (the layout of js/src/storage/opfs-fs.ts). */
async function opfsFolder(name, create = false) {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('minivectordb', { create });
  return root.getDirectoryHandle(`db-${encodeURIComponent(name)}`, { create });
}

export const streamOps = {
  /**
   * A database of `n` seeded `dim`-d records at `url` (int8 codes beside the
   * float32 rows, so the snapshot has VECS and CODE sections), some deleted
   * and some updated, saved and closed. Returns the checkpoint's size and the
   * graph search's answers before the save (what the opened copy must give).
   */
  async bigSave(url, n, dim, seed) {
    const db = await MiniVectorDB.create({ dim, storage: url, durability: 'manual', quantization: 'int8', M: 8, efConstruction: 24 });
    const rng = mulberry32(seed);
    for (let i = 0; i < n; i += 1000) {
      const items = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) items.push({ id: `b${j}`, vector: Float32Array.from({ length: dim }, () => rng() * 2 - 1), metadata: { i: j, g: j % 5 } });
      await db.insertMany(items);
    }
    for (let i = 0; i < n; i += 97) await db.delete(`b${i}`);
    for (let i = 1; i < n; i += 89) if (i % 97 !== 0) await db.update(`b${i}`, { metadata: { i, g: i % 5, edited: true } });
    const hits = [];
    for (const q of queriesOf(dim, seed)) hits.push((await db.search(q, { k: 10 })).map((h) => h.id));
    await db.save();
    await db.close();
    const source = await (await openStorage(url)).openSnapshot?.();
    const bytes = source?.byteLength;
    await source?.close();
    return { hits, bytes, size: bigRecords(n, dim, seed).size };
  },

  /**
   * Opens `url` (written by bigSave with these arguments) and lists what
   * differs from the values written: the count, every record's vector
   * (float32-exact) and metadata, exact search against brute force, and the
   * graph search against `hitsBefore`. An empty list means identical.
   */
  async bigCheck(url, n, dim, seed, hitsBefore) {
    const want = bigRecords(n, dim, seed);
    const db = await MiniVectorDB.open(url, { durability: 'manual' });
    const problems = [];
    try {
      await recordProblems(db, want, dim, problems);
      for (let i = 0; i < n; i += 97) if ((await db.get(`b${i}`)) !== undefined) problems.push(`deleted b${i} is back`);
      const queries = queriesOf(dim, seed);
      for (let q = 0; q < queries.length; q++) {
        const exact = (await db.search(queries[q], { k: 10, exact: true })).map((h) => h.id);
        const truth = bruteForce(want, queries[q], 10);
        if (JSON.stringify(exact) !== JSON.stringify(truth)) problems.push(`query ${q}: exact ${exact} != brute force ${truth}`);
        const graph = (await db.search(queries[q], { k: 10 })).map((h) => h.id);
        if (JSON.stringify(graph) !== JSON.stringify(hitsBefore[q])) problems.push(`query ${q}: graph search ${graph} != before the save ${hitsBefore[q]}`);
      }
      return { problems, size: db.size };
    } finally {
      await db.close();
    }
  },

  /**
   * The checkpoint at `url` read through its adapter's streamed source in
   * pieces of `piece` bytes at the loader's order (the second half first, then
   * the first), compared with `read()`: the number of the first differing
   * byte, or -1. Fails when the adapter has no streamed source.
   */
  async streamMatches(url, piece) {
    const adapter = await openStorage(url);
    if (typeof adapter.openSnapshot !== 'function') throw new Error(`${url}: the adapter cannot stream its checkpoint (no openSnapshot)`);
    const whole = await adapter.read();
    const source = await adapter.openSnapshot();
    try {
      if (source.byteLength !== whole.byteLength) return 0;
      const half = Math.floor(whole.byteLength / 2);
      for (const [from, to] of [[half, whole.byteLength], [0, half]]) {
        for (let at = from; at < to; at += piece) {
          const got = await source.read(at, Math.min(piece, to - at));
          for (let j = 0; j < got.byteLength; j++) if (got[j] !== whole[at + j]) return at + j;
        }
      }
      return -1;
    } finally {
      await source.close();
    }
  },

  /**
   * Writes the checkpoint of a database into IndexedDB by hand, in the layout
   * `idb://` has used since its first version (a manifest, 4 MiB chunk
   * records keyed [name, generation, index]), into a fresh `minivectordb`
   * database of schema 1 (no `log` store), as one written before the
   * write-ahead log existed. The bytes are those of `serialize()` of `n`
   * seeded records (bigSave's, none deleted). Returns the chunk and record counts.
   */
  async plantIdb(name, n, dim, seed) {
    const db = await MiniVectorDB.create({ dim, M: 8, efConstruction: 24 });
    const want = allRecords(n, dim, seed);
    await db.insertMany([...want].map(([id, r]) => ({ id, vector: r.vector, metadata: r.metadata })));
    const bytes = await db.serialize();
    await db.close();
    await done(indexedDB.deleteDatabase('minivectordb'));
    const open = indexedDB.open('minivectordb', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('manifests', { keyPath: 'name' });
      open.result.createObjectStore('chunks');
    };
    const idb = await done(open);
    try {
      const tx = idb.transaction(['manifests', 'chunks'], 'readwrite');
      const count = Math.ceil(bytes.byteLength / CHUNK);
      for (let i = 0; i < count; i++) tx.objectStore('chunks').put(bytes.slice(i * CHUNK, (i + 1) * CHUNK), [name, 7, i]);
      tx.objectStore('manifests').put({ name, generation: 7, chunks: count, byteLength: bytes.byteLength, savedAt: Date.now() });
      await committed(tx);
      return { chunks: count, size: want.size };
    } finally {
      idb.close();
    }
  },

  /** Checks a database planted by plantIdb: the same list as bigCheck, without the graph search. */
  async plantedCheck(url, n, dim, seed) {
    const want = allRecords(n, dim, seed);
    const db = await MiniVectorDB.open(url, { durability: 'manual' });
    const problems = [];
    try {
      await recordProblems(db, want, dim, problems);
      const q = queriesOf(dim, seed)[0];
      const exact = (await db.search(q, { k: 10, exact: true })).map((h) => h.id);
      if (JSON.stringify(exact) !== JSON.stringify(bruteForce(want, q, 10))) problems.push('exact search differs from brute force');
      return problems.slice(0, 10);
    } finally {
      await db.close();
    }
  },

  /**
   * Leaves what a checkpoint interrupted half-way leaves beside the current
   * one of `url`: `idb://` the first chunk records of the next generation
   * (the manifest still names the current one); `opfs://` a partial
   * `checkpoint.tmp`. The partial bytes are the first `bytes` of a real snapshot.
   */
  async plantTorn(url, bytes) {
    const db = await MiniVectorDB.create({ dim: 4 });
    await db.insertMany(Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, vector: [i, 0, 0, 1] })));
    const partial = (await db.serialize()).slice(0, bytes);
    await db.close();
    if (url.startsWith('idb://')) {
      const name = url.slice('idb://'.length);
      const idb = await done(indexedDB.open('minivectordb'));
      try {
        const tx = idb.transaction(['manifests', 'chunks'], 'readwrite');
        const manifest = await done(tx.objectStore('manifests').get(name));
        tx.objectStore('chunks').put(partial, [name, manifest.generation + 1, 0]);
        tx.objectStore('chunks').put(partial.slice(0, 17), [name, manifest.generation + 1, 1]);
        await committed(tx);
        return manifest.generation;
      } finally {
        idb.close();
      }
    }
    const dir = await opfsFolder(url.slice('opfs://'.length));
    const writable = await (await dir.getFileHandle('checkpoint.tmp', { create: true })).createWritable();
    await writable.write(partial);
    await writable.close();
    return 0;
  },

  /** The generations of `name`'s chunk records in IndexedDB, sorted, without repeats. */
  async idbGenerations(name) {
    const idb = await done(indexedDB.open('minivectordb'));
    try {
      const keys = await done(idb.transaction('chunks').objectStore('chunks').getAllKeys(IDBKeyRange.bound([name, 0, 0], [name, Infinity, Infinity])));
      return [...new Set(keys.map((k) => k[1]))].sort((a, b) => a - b);
    } finally {
      idb.close();
    }
  },

  // bench/storage/open-memory.mjs: the renderer's peak memory while a large checkpoint opens.
  /** A database of about `mb` MB of `dim`-d float32 rows at `url` (M 4, efConstruction 8: its graph does not matter here); returns the checkpoint's bytes. */
  async memSource(url, mb, dim) {
    const n = Math.floor((mb * 1e6) / (4 * dim));
    const db = await MiniVectorDB.create({ dim, M: 4, efConstruction: 8, storage: url, durability: 'manual' });
    let s = 7;
    const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    for (let i = 0; i < n; i += 2048) {
      await db.insertMany(Array.from({ length: Math.min(2048, n - i) }, (_, j) => ({ id: `m${i + j}`, vector: Float32Array.from({ length: dim }, rnd) })));
    }
    await db.save();
    await db.close();
    const source = await (await openStorage(url)).openSnapshot();
    await source.close();
    return source.byteLength;
  },
  /** Copies the checkpoint at `from` to `to`, streamed in 8 MiB pieces; returns its bytes. */
  async memCopy(from, to) {
    const source = await (await openStorage(from)).openSnapshot();
    try {
      async function* pieces() {
        for (let at = 0; at < source.byteLength; at += 8 << 20) yield await source.read(at, Math.min(8 << 20, source.byteLength - at));
      }
      await (await openStorage(to)).write(pieces(), source.byteLength);
      return source.byteLength;
    } finally {
      await source.close();
    }
  },
  /** Loads the core on this thread (a tiny database), so the measured open does not count it. */
  async memWarm() {
    const db = await MiniVectorDB.create({ dim: 4 });
    await db.close();
  },
  /**
   * Opens `url` read-only and keeps it open (memClose closes it): `how`
   * 'open' through open() (streamed), 'whole' as open() did before the
   * adapter could stream: the checkpoint read whole into JS, then loaded.
   */
  async memOpen(url, how) {
    const t = performance.now();
    if (how === 'whole') {
      const bytes = await (await openStorage(url)).read();
      globalThis.memDb = await MiniVectorDB.deserialize(bytes);
    } else {
      globalThis.memDb = await MiniVectorDB.open(url, { lock: 'readonly', durability: 'manual' });
    }
    return { ms: performance.now() - t, size: globalThis.memDb.size, memoryBytes: globalThis.memDb.stats().memoryBytes };
  },
  async memClose() {
    await globalThis.memDb?.close();
    globalThis.memDb = undefined;
  },

  // The tab-closed-mid-write trials (tests/shared/tab-crash-trial.mjs).
  /** Runs one operation of tests/shared/wal-workload.mjs on a database. */
  applyOp: async (db, op) => {
    await applyTo(db, op);
  },
  /**
   * What differs between `db` and the state after the first `acked`
   * operations of workload(seed, count, dim), or after `started` of them
   * (the one in flight at the close may or may not have been logged).
   */
  async crashCheck(db, seed, count, dim, acked, started) {
    const ops = workload(seed, count, dim);
    let problems = await differences(db, Reference.after(ops.slice(0, acked)));
    if (problems.length > 0 && started > acked) {
      const withInFlight = await differences(db, Reference.after(ops.slice(0, started)));
      if (withInFlight.length === 0) problems = [];
    }
    return { problems, count: await db.count() };
  },
};
