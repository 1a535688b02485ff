// Storage operations shared by the page (main.js) and the worker
// (storage-worker.js), so a test can run the same steps on either thread:
// databases by handle, and the raw storage adapter of a URL. Every answer is
// JSON-safe: { ok: true, value } or { ok: false, name, code, message }.
import { MiniVectorDB } from 'minivectordb';
import { openStorage } from 'minivectordb-storage';
import { streamOps } from './stream-ops.js';

const dbs = new Map();
let next = 1;

const failure = (e) => ({ ok: false, name: e?.name, code: e?.code, message: String(e?.message ?? e) });

/** Runs `fn` and wraps its value or error. */
export async function answer(fn) {
  try {
    const value = await fn();
    return { ok: true, value: value === undefined ? null : value };
  } catch (e) {
    return failure(e);
  }
}

/** The bytes of a real snapshot (adapters check a checkpoint's header and sections when reading): `n` records of dim 64 from `seed`. */
const snapshots = new Map();
async function bytesOf(n, seed) {
  const key = `${n}:${seed}`;
  if (!snapshots.has(key)) {
    const url = `memory://snapshot-${n}-${seed}`;
    const db = await MiniVectorDB.create({ dim: 64, storage: url, M: 8, efConstruction: 20 });
    await db.insertMany(Array.from({ length: n }, (_, i) => ({ id: `s${i}`, vector: Array.from({ length: 64 }, (_, j) => Math.sin(i * 64 + j + seed)) })));
    await db.save();
    await db.close();
    snapshots.set(key, await (await openStorage(url)).read());
  }
  return snapshots.get(key);
}
const fnv = (bytes) => {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
};

export const ops = {
  /** Creates or opens a database on this thread (or in a worker of its own: kind 'createInWorker' / 'openInWorker'); returns its handle. */
  async db(kind, ...args) {
    const db = await MiniVectorDB[kind](...args);
    const handle = next++;
    dbs.set(handle, db);
    return handle;
  },
  /** Calls a method of a database; vectors in the result become arrays. */
  async call(handle, method, ...args) {
    const db = dbs.get(handle);
    const value = await db[method](...args);
    if (method === 'close') dbs.delete(handle);
    return JSON.parse(JSON.stringify(value ?? null, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v)));
  },
  size: (handle) => dbs.get(handle).size,
  /** A snapshot of `n` records written as the checkpoint at `url` (in chunks of `chunk` bytes); returns its length. */
  async write(url, n, seed, chunk = 0) {
    const adapter = await openStorage(url);
    const bytes = await bytesOf(n, seed);
    if (chunk <= 0) return adapter.write(bytes).then(() => bytes.byteLength);
    const chunks = [];
    for (let i = 0; i < bytes.byteLength; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
    return adapter.write(chunks, bytes.byteLength).then(() => bytes.byteLength);
  },
  /** A checkpoint write whose chunks fail after `okChunks` (or whose length lies): it must leave the previous checkpoint. */
  async writeFailing(url, how) {
    const adapter = await openStorage(url);
    const bytes = await bytesOf(100, 9);
    if (how === 'length') return adapter.write([bytes], bytes.byteLength + 1);
    async function* chunks() {
      yield bytes.subarray(0, 1000);
      yield bytes.subarray(1000, 5000);
      throw new Error('the snapshot writer failed part-way');
    }
    return adapter.write(chunks());
  },
  /** The checkpoint's bytes: their length and a checksum (FNV-1a), plus the first bytes. */
  async read(url) {
    const bytes = await (await openStorage(url)).read();
    return { length: bytes.byteLength, fnv: fnv(bytes) };
  },
  /** What `read` reports for `write(url, n, seed)`. */
  async expected(n, seed) {
    const bytes = await bytesOf(n, seed);
    return { length: bytes.byteLength, fnv: fnv(bytes) };
  },
  /**
   * Opens the checkpoint at `url` (of three chunk records or more) as a
   * streamed source, lets a save replace it (with the snapshot of
   * `write(url, n, seed)`), then reads it on from the start in 1 MiB pieces:
   * `mixed` counts the pieces that differ from what `read()` gave before the
   * save (a piece of the new checkpoint), `error` is what ended the reading
   * (null if nothing did), `pieces` the pieces read before it.
   */
  async replacedWhileRead(url, n, seed) {
    const adapter = await openStorage(url);
    const before = await adapter.read();
    const source = await adapter.openSnapshot();
    try {
      await adapter.write(await bytesOf(n, seed));
      let mixed = 0;
      let pieces = 0;
      try {
        for (let at = 0; at < source.byteLength; at += 1 << 20) {
          const got = await source.read(at, Math.min(1 << 20, source.byteLength - at));
          if (got.some((b, j) => b !== before[at + j])) mixed++;
          pieces++;
        }
        return { mixed, pieces, error: null };
      } catch (e) {
        return { mixed, pieces, error: { name: e?.name, message: String(e?.message ?? e) } };
      }
    } finally {
      await source.close();
    }
  },
  remove: async (url) => (await openStorage(url)).remove(),
  /** Appends each array of `groups` to the log (durable or not); returns the log's size after. */
  async logAppend(url, groups, durable) {
    const { log } = await openStorage(url);
    for (const g of groups) await log.append(Uint8Array.from(g), durable);
    await log.sync();
    const size = await log.size();
    await log.close?.();
    return size;
  },
  async logRead(url) {
    const { log } = await openStorage(url);
    return Array.from(await log.read());
  },
  async logTruncate(url) {
    const { log } = await openStorage(url);
    await log.truncate();
    return log.size();
  },
  /** The segment files of an opfs:// database's log. */
  async opfsFiles(name) {
    const root = await navigator.storage.getDirectory();
    const dir = await (await root.getDirectoryHandle('minivectordb')).getDirectoryHandle(`db-${encodeURIComponent(name)}`);
    const out = [];
    for await (const k of dir.keys()) out.push(k);
    return out.sort();
  },
  list: (prefix) => MiniVectorDB.listSaved(prefix),
  ...streamOps,
  // Those of stream-ops.js that take a database take its handle here.
  applyOp: (handle, op) => streamOps.applyOp(dbs.get(handle), op),
  crashCheck: (handle, ...args) => streamOps.crashCheck(dbs.get(handle), ...args),
  hasSyncAccess: () => typeof FileSystemFileHandle !== 'undefined' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype,
};

// The bridge of tests/browser/chromium-target.ts: a database of the shared
// suites (tests/js/suites) lives here, driven from Node. Values travel as
// JSON with typed arrays, −0, NaN and ±Infinity tagged, so a result compares
// bit for bit; each answer carries the database's synchronous state (size,
// dim, metric, stats) for the Node-side getters.
const tag = (_, v) => {
  if (v instanceof Float32Array) return { $f32: Array.from(v, (x) => (Object.is(x, -0) || !Number.isFinite(x) ? { $n: String(x === 0 ? '-0' : x) } : x)) };
  if (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))) return { $n: Object.is(v, -0) ? '-0' : String(v) };
  return v;
};
const untag = (_, v) => {
  if (v !== null && typeof v === 'object' && '$f32' in v) return Float32Array.from(v.$f32, (x) => (typeof x === 'object' ? Number(x.$n) : x));
  if (v !== null && typeof v === 'object' && '$n' in v) return v.$n === '-0' ? -0 : Number(v.$n);
  return v;
};
const stateOf = (db) => {
  try {
    return { size: db.size, dim: db.dim, metric: db.metric, stats: db.stats() };
  } catch {
    return undefined; // closed
  }
};
const errorOf = (e) => ({ name: e?.name, code: e?.code, message: String(e?.message ?? e), fields: JSON.parse(JSON.stringify({ ...e })) });

/** `kind`: create, open, createInWorker, openInWorker; answers a handle and the state, or an error. */
ops.remoteDb = async (kind, argsJson) => {
  try {
    const db = await MiniVectorDB[kind](...JSON.parse(argsJson, untag));
    const handle = next++;
    dbs.set(handle, db);
    return JSON.stringify({ handle, state: stateOf(db) }, tag);
  } catch (e) {
    return JSON.stringify({ error: errorOf(e) });
  }
};
ops.remoteCall = async (handle, method, argsJson) => {
  const db = dbs.get(handle);
  try {
    const value = await db[method](...JSON.parse(argsJson, untag));
    return JSON.stringify({ value, state: stateOf(db) }, tag);
  } catch (e) {
    return JSON.stringify({ error: errorOf(e), state: stateOf(db) });
  }
};
/** Raw bytes at a storage URL, as an array of numbers (the suites plant damaged snapshots). */
ops.rawRead = async (url) => Array.from(await (await openStorage(url)).read());
ops.rawWrite = async (url, bytes) => (await openStorage(url)).write(Uint8Array.from(bytes));

// bench/storage-browser.mjs: checkpoint write/read and log appends per backend, timed where they run.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Builds the source snapshot (`n` random vectors of `dim`, M 8, efConstruction 16) and stores it at `idb://bench-source`; returns its size. */
ops.benchSource = async (n, dim) => {
  const db = await MiniVectorDB.create({ dim, M: 8, efConstruction: 16, storage: 'memory://bench-source' });
  let s = 1;
  const rnd = () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32 - 0.5;
  for (let i = 0; i < n; i += 4096) {
    await db.insertMany(Array.from({ length: Math.min(4096, n - i) }, (_, j) => ({ id: `n${i + j}`, vector: Float32Array.from({ length: dim }, rnd), metadata: { i: i + j } })));
  }
  await db.save();
  await db.close();
  const bytes = await (await openStorage('memory://bench-source')).read();
  await (await openStorage('idb://bench-source')).write(bytes);
  return bytes.byteLength;
};
/** Median ms of `rounds` checkpoint writes and reads of the source snapshot at `url`, and of `appends` log appends of `recordBytes` (durable). */
ops.bench = async (url, rounds, appends, recordBytes) => {
  const bytes = await (await openStorage('idb://bench-source')).read();
  const adapter = await openStorage(url);
  const write = [];
  const read = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    await adapter.write(bytes);
    write.push(performance.now() - t);
    t = performance.now();
    const back = await adapter.read();
    read.push(performance.now() - t);
    if (back.byteLength !== bytes.byteLength) throw new Error('read back a different size');
  }
  const out = { bytes: bytes.byteLength, writeMs: median(write), readMs: median(read) };
  if (adapter.log !== undefined && appends > 0) {
    const record = new Uint8Array(recordBytes).fill(7);
    await adapter.log.truncate();
    const times = [];
    for (let i = 0; i < appends; i++) {
      const t = performance.now();
      await adapter.log.append(record, true);
      times.push(performance.now() - t);
    }
    out.appendMs = median(times);
    out.appendP90Ms = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)];
    await adapter.log.truncate();
    await adapter.log.close?.();
  }
  await adapter.remove();
  return out;
};
