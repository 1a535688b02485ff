// MiniVectorDB (this package) through its public API. Environment-neutral:
// Node passes `env.tmpDir` (snapshots go to a file), the page passes nothing
// (snapshots go to memory://). `openVariant` serves the variants with other
// create options (minivectordb-int8.mjs), and with `{ reorder: true }` those
// that call `reorder()` right after the build, inside the timed build
// (minivectordb-reordered.mjs).
const toIds = (hits) => hits.map((h) => Number(h.id));

export const open = (env) => openVariant('minivectordb', {}, env);

export async function openVariant(name, createOptions, env = {}, { reorder = false } = {}) {
  const MiniVectorDB = env.MiniVectorDB ?? (await import('minivectordb')).MiniVectorDB;
  let db;
  let ef = 64;
  let url;
  let filter; // { bucket: { $lt: limit } } while a filtered benchmark runs
  return {
    name,
    version: env.version,
    queryFormat: 'f32',
    asyncSearch: true,
    async build(base, { M, efConstruction, seed }) {
      db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M, efConstruction, seed, ...createOptions });
      const items = new Array(base.n);
      for (let i = 0; i < base.n; i++) items[i] = base.ranks ? { id: String(i), vector: base.rows[i], metadata: { bucket: base.ranks[i] } } : { id: String(i), vector: base.rows[i] };
      await db.insertMany(items);
      if (reorder) await db.reorder();
    },
    setEf(value) {
      ef = value;
    },
    /** `{ limit }`: only items with bucket < limit (a range filter on metadata); null: all. */
    setFilter(spec) {
      filter = spec === null ? undefined : { bucket: { $lt: spec.limit } };
    },
    async search(q, k) {
      return toIds(await db.search(q, { k, efSearch: ef, filter }));
    },
    async searchBatch(flat, nq, k) {
      return (await db.searchBatch(flat, { k, efSearch: ef, filter })).map(toIds);
    },
    async save(dir) {
      // Node: a file (atomic write + fsync); browser: memory:// (no size from the public API).
      const path = dir === undefined ? undefined : `${dir}/index.mvdb`;
      url = path === undefined ? 'memory://minivectordb-bench' : env.fileUrl(path);
      await db.save(url);
      return { bytes: path === undefined ? undefined : env.fileSize(path) };
    },
    async load() {
      await db.close();
      db = await MiniVectorDB.open(url);
    },
    memory() {
      const s = db.stats();
      return { what: 'stats().memoryBytes (index bytes in wasm memory)', bytes: s.memoryBytes, bytesPerVector: s.bytesPerVector };
    },
    async close() {
      await db?.close();
    },
  };
}
