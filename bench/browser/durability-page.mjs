// The idb:// part of bench/durability.mjs, in Chromium: builds an index on
// idb://, then times a full save against single inserts persisted through
// the write-ahead log ('relaxed' + flush(), 'strict': IndexedDB transaction
// 'complete' with durability 'strict'). Bytes: growth of the `log` store.
import { MiniVectorDB } from 'minivectordb';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

/** Bytes in the write-ahead log of `name`, read from IndexedDB directly. */
async function logBytes(name) {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open('minivectordb');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    const values = await new Promise((resolve, reject) => {
      const req = db.transaction('log').objectStore('log').getAll(IDBKeyRange.bound([name, 0], [name, Number.MAX_SAFE_INTEGER]));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return values.reduce((n, v) => n + v.byteLength, 0);
  } finally {
    db.close();
  }
}

window.runDurability = async ({ n, dim, inserts }) => {
  let seed = 17;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const vec = () => Float32Array.from({ length: dim }, rnd);
  const name = 'bench-durability';
  const url = `idb://${name}`;
  const db = await MiniVectorDB.create({ dim, storage: url, M: 16, efConstruction: 64 });
  for (let i = 0; i < n; i += 4096) {
    const items = [];
    for (let j = i; j < Math.min(n, i + 4096); j++) items.push({ id: `v${j}`, vector: vec() });
    await db.insertMany(items);
  }
  const saves = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await db.save();
    saves.push(performance.now() - t);
  }
  await db.close();
  const out = { n, dim, fullSaveMs: median(saves), modes: {} };
  for (const mode of ['relaxed', 'strict']) {
    const w = await MiniVectorDB.open(url, { durability: mode });
    const before = await logBytes(name);
    const times = [];
    for (let i = 0; i < inserts; i++) {
      const t = performance.now();
      await w.insert({ id: `${mode}${i}`, vector: vec(), metadata: { i } });
      if (mode === 'relaxed') await w.flush();
      times.push(performance.now() - t);
    }
    out.modes[mode] = { medianMs: median(times), p95Ms: p95(times), bytesPerInsert: ((await logBytes(name)) - before) / inserts };
    await w.close();
  }
  await MiniVectorDB.removeSaved(url);
  return out;
};
window.durabilityReady = true;
document.getElementById('status').textContent = 'ready';
