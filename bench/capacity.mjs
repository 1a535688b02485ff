#!/usr/bin/env node
// Capacity at dim 1024 (issue #17): the largest index that inserts, saves,
// opens and compacts in the 4 GB wasm32 heap, and the extra memory of each.
//   node bench/capacity.mjs [--dim 1024] [--batch 2000] [--file /tmp/capacity.mvdb] [--max-vectors N] [--serialize]
//   node bench/capacity.mjs --phase open --file F [--no-compact]   # phase 2 alone, on a file phase 1 saved (F.json beside it)
// Phase 1 (a child process): insert seeded vectors until OutOfMemoryError,
// delete 1% (so compact has work), then save to a file (and serialize() with
// --serialize: the whole image in JS memory) and compact, each at that
// ceiling. Phase 2 (a fresh child): open the file, then compact.
// For every operation it prints: ok or the error, time, the heap that was
// still free before it (summed greedy _malloc probe, which grows the heap to
// its maximum), the WebAssembly memory growth during it, and the process RSS
// peak above the start of the operation (bench/lib/memory.mjs). Open runs
// first in its process without the probe: its heap growth is then its peak
// (memory only grows), to compare with the index's own bytes.
// Needs ~4 GB RAM per phase, plus the file (~3 GB) on disk; takes minutes.
import { fork } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MiniVectorDB } from '../dist/index.js';
import { loadCore } from '../dist/wasm/load.js';
import { rssProbe } from './lib/memory.mjs';

const { values } = parseArgs({
  options: {
    dim: { type: 'string', default: '1024' },
    batch: { type: 'string', default: '2000' },
    file: { type: 'string', default: '/tmp/mvdb-capacity.mvdb' },
    'max-vectors': { type: 'string', default: String(2 ** 32) },
    phase: { type: 'string' },
    serialize: { type: 'boolean', default: false },
    'no-compact': { type: 'boolean', default: false },
  },
});
const DIM = Number(values.dim);
const BATCH = Number(values.batch);
const MAX = Number(values['max-vectors']);
const FILE = values.file;
const URL_ = pathToFileURL(FILE).href;
const META = `${FILE}.json`; // the vector count, from the insert phase to the open phase's check
const MiB = 2 ** 20;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const mb = (b) => `${(b / MiB).toFixed(0)} MB`;

/** Bytes the heap can still hand out (greedy allocation of decreasing blocks, then all freed). */
function freeHeap(mod) {
  const blocks = [];
  let total = 0;
  for (let size = 2 ** 31; size >= 2 ** 12; size /= 2) {
    for (;;) {
      const p = mod._malloc(size) >>> 0;
      if (p === 0) break;
      blocks.push(p);
      total += size;
    }
  }
  for (const p of blocks) mod._free(p);
  return total;
}

async function measure(mod, what, fn, probe = true) {
  // The probe grows the heap to its 4 GB maximum; without it, the growth
  // during the operation is its high-water mark above what was in use.
  const free = probe ? freeHeap(mod) : undefined;
  const before = mod.HEAPU8.buffer.byteLength;
  const rss = rssProbe();
  rss.start();
  const t0 = performance.now();
  let outcome = 'ok';
  try {
    await fn();
  } catch (e) {
    outcome = `${e.name}: ${String(e.message).slice(0, 120)}`;
  }
  const ms = performance.now() - t0;
  const line = { what, outcome, seconds: +(ms / 1000).toFixed(1), freeHeapBefore: free === undefined ? 'not probed' : mb(free), heapGrowth: mb(mod.HEAPU8.buffer.byteLength - before), rssPeak: mb(rss.peak().bytes) };
  console.log(JSON.stringify(line));
  return outcome === 'ok';
}

function row(i, out) {
  // Deterministic, distinct, cheap: a ramp plus a spike.
  for (let j = 0; j < DIM; j++) out[j] = ((i * 31 + j * 17) % 251) / 251;
  out[i % DIM] += 4;
}

async function phaseInsert() {
  const mod = await loadCore(undefined, silent);
  // M = 16 sizes the graph as the default does; efConstruction = 1 keeps each insert to a few
  // distance computations (capacity is about memory, not recall), so the run takes minutes.
  const db = await MiniVectorDB.create({ dim: DIM, M: 16, efConstruction: 1, seed: 1, logger: silent });
  const buf = new Float32Array(BATCH * DIM);
  let n = 0;
  const t0 = performance.now();
  for (;;) {
    const count = Math.min(BATCH, MAX - n);
    if (count <= 0) break;
    for (let b = 0; b < count; b++) row(n + b, buf.subarray(b * DIM, (b + 1) * DIM));
    try {
      await db.insertMany(Array.from({ length: count }, (_, b) => ({ id: `v${n + b}`, vector: buf.subarray(b * DIM, (b + 1) * DIM) })));
    } catch (e) {
      // Nothing of the failed batch stays, and the database still answers.
      row(n - 1, buf.subarray(0, DIM));
      // (rows repeat with a period of 257,024 vectors: another id may tie at distance 0)
      const [hit] = await db.search(buf.subarray(0, DIM), { k: 1, exact: true });
      const intact = db.size === n && (await db.get(`v${n}`)) === undefined && (await db.get(`v${n - 1}`)) !== undefined && hit?.distance === 0;
      console.log(JSON.stringify({ what: 'insert ceiling', outcome: `${e.name}`, vectors: n, intact }));
      break;
    }
    n += count;
    if (n % 100_000 < BATCH) console.error(`inserted ${n} (${mb(n * DIM * 4)} of vectors) after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log(JSON.stringify({ what: 'inserted', vectors: n, vectorBytes: mb(n * DIM * 4), seconds: +((performance.now() - t0) / 1000).toFixed(0), heap: mb(mod.HEAPU8.buffer.byteLength), indexBytes: mb(db.stats().memoryBytes) }));
  writeFileSync(META, JSON.stringify({ vectors: n }));
  await db.deleteMany(Array.from({ length: Math.floor(n / 100) }, (_, i) => `v${i * 100}`));
  const saved = await measure(mod, 'save (file://) at the insert ceiling', () => db.save(URL_));
  if (saved) console.log(JSON.stringify({ what: 'snapshot', bytes: mb(statSync(FILE).size) }));
  // serialize() returns the whole image in JS memory (RSS + the snapshot): only with --serialize.
  if (values.serialize) await measure(mod, 'serialize() at the insert ceiling', () => db.serialize());
  await measure(mod, 'compact() at the insert ceiling', () => db.compact());
  await db.close();
}

async function phaseOpen() {
  const mod = await loadCore(undefined, silent);
  if (!existsSync(FILE)) {
    console.log(JSON.stringify({ what: 'open', outcome: 'skipped: no snapshot was saved' }));
    return;
  }
  let db;
  await measure(
    mod,
    'open (file://) of that snapshot, fresh process',
    async () => {
      db = await MiniVectorDB.open(URL_, { logger: silent });
    },
    false,
  );
  if (db === undefined) return;
  // What was saved came back: the count, a deleted id (every 100th), the last id's vector, found at distance 0.
  const n = JSON.parse(readFileSync(META, 'utf8')).vectors;
  const want = new Float32Array(DIM);
  row(n - 1, want);
  const got = await db.get(`v${n - 1}`);
  const [hit] = await db.search(want, { k: 1, exact: true });
  const intact = db.size === n - Math.floor(n / 100) && (await db.get('v0')) === undefined && got !== undefined && got.vector.every((x, j) => x === want[j]) && hit?.distance === 0;
  console.log(JSON.stringify({ what: 'opened', vectors: db.size, intact, heap: mb(mod.HEAPU8.buffer.byteLength), indexBytes: mb(db.stats().memoryBytes) }));
  if (!values['no-compact']) await measure(mod, 'compact() after open', () => db.compact());
  await db.close();
}

function child(phase) {
  return new Promise((resolve, reject) => {
    const args = ['--phase', phase, '--dim', String(DIM), '--batch', String(BATCH), '--file', FILE, '--max-vectors', String(MAX), ...(values.serialize ? ['--serialize'] : [])];
    fork(new URL(import.meta.url).pathname, args, { stdio: 'inherit' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${phase} exited ${code}`))));
  });
}

if (values.phase === 'insert') await phaseInsert();
else if (values.phase === 'open') await phaseOpen();
else {
  console.log(JSON.stringify({ what: 'capacity', dim: DIM, node: process.version }));
  try {
    await child('insert');
    await child('open');
  } finally {
    rmSync(FILE, { force: true });
    rmSync(META, { force: true });
  }
}
