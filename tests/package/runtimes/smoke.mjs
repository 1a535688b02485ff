// The runtime smoke suite shared by Deno, Bun and workerd (tests/package/runtimes.test.ts):
// vectors against a brute-force reference that shares no code with the
// library, a metadata filter, text with the default built-in model, and a
// snapshot saved to the runtime's storage and opened again. No runtime APIs:
// the caller passes the package's MiniVectorDB, the storage URL and options.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteForceIds(data, q, k, keep = () => true) {
  return data
    .map((v, i) => ({ i, d: v.reduce((s, x, j) => s + (x - q[j]) ** 2, 0) }))
    .filter((h) => keep(h.i))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k)
    .map((h) => `v${h.i}`);
}

/**
 * @param MiniVectorDB the class from the installed package
 * @param options `storage`: where the snapshot goes; `wasm`: passed to create/open;
 *   `text`: run the default-model part (false: report why it cannot run)
 */
export async function smoke(MiniVectorDB, { storage, wasm, text = true }) {
  const rng = mulberry32(7);
  const dim = 16;
  const data = Array.from({ length: 300 }, () => Array.from({ length: dim }, () => rng() * 2 - 1));
  const queries = Array.from({ length: 8 }, () => Array.from({ length: dim }, () => rng() * 2 - 1));
  const out = {};

  const db = await MiniVectorDB.create({ dim, metric: 'l2', storage, wasm });
  await db.insertMany(data.map((vector, i) => ({ id: `v${i}`, vector, metadata: { even: i % 2 === 0, i } })));
  const exact = [];
  const filtered = [];
  const hnsw = [];
  for (const q of queries) {
    exact.push((await db.search(q, { k: 5, exact: true })).map((h) => h.id));
    filtered.push((await db.search(q, { k: 5, exact: true, filter: { even: true, i: { $gte: 100 } } })).map((h) => h.id));
    hnsw.push(await db.search(q, { k: 5 }));
  }
  out.exactMatches = JSON.stringify(exact) === JSON.stringify(queries.map((q) => bruteForceIds(data, q, 5)));
  out.filteredMatches = JSON.stringify(filtered) === JSON.stringify(queries.map((q) => bruteForceIds(data, q, 5, (i) => i % 2 === 0 && i >= 100)));
  const truth = queries.map((q) => bruteForceIds(data, q, 5));
  out.recall = hnsw.reduce((s, hits, i) => s + hits.filter((h) => truth[i].includes(h.id)).length, 0) / (5 * queries.length);
  await db.save();
  await db.close();

  const again = await MiniVectorDB.open(storage, { wasm });
  const reopened = [];
  for (const q of queries) reopened.push(await again.search(q, { k: 5 }));
  out.size = again.size;
  out.sameAfterOpen = JSON.stringify(reopened) === JSON.stringify(hnsw);
  await again.close();

  if (text) {
    const t = await MiniVectorDB.create({ wasm });
    await t.insertMany([
      { id: 'bike', text: 'repairing a bike' },
      { id: 'bread', text: 'baking bread' },
      { id: 'tax', text: 'filing income taxes' },
    ]);
    out.textHits = (await t.search('how do I fix my bicycle', { k: 3 })).map((h) => h.id);
    out.textDim = t.dim;
    await t.close();
  }
  return out;
}
