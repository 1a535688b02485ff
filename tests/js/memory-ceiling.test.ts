/**
 * The 4 GB ceiling of wasm32: inserting until WebAssembly memory is exhausted
 * raises OutOfMemoryError, and the database keeps working with everything
 * inserted before (size, get, exact and graph search, delete). A search with
 * a huge efSearch fails cleanly or answers; compact() at the ceiling works
 * (in place) and keeps every record.
 *
 * Vectors of the largest dimension (65,536 floats = 256 KiB each) fill 4 GB
 * with ~16k inserts; M = 2 and efConstruction = 1 keep each insert to a few
 * distance computations, so the whole test takes ~25 s. It grows this
 * process by ~4 GB of RAM.
 */
import { expect, test } from 'vitest';
import { MiniVectorDB, OutOfMemoryError } from 'minivectordb';

const DIM = 65536;
const PER_CALL = 32;
/** More than fits in 4 GB (16,384 × 256 KiB), so the loop must end with OutOfMemoryError. */
const MAX_CALLS = 1024;

/** Vector `i`: distinct and deterministic (coordinate i mod DIM set high, a small ramp elsewhere). */
function fill(out: Float32Array, offset: number, i: number): void {
  for (let j = 0; j < DIM; j++) out[offset + j] = ((j * 31 + i) % 97) / 97;
  out[offset + (i % DIM)] = 10 + i / 1000;
}

test('inserting past 4 GB raises OutOfMemoryError; everything inserted before stays usable', async () => {
  const db = await MiniVectorDB.create({ dim: DIM, M: 2, efConstruction: 1, efSearch: 8, seed: 1 });
  const batch = new Float32Array(PER_CALL * DIM);
  let inserted = 0;
  let oom: unknown;
  for (let call = 0; call < MAX_CALLS && oom === undefined; call++) {
    for (let b = 0; b < PER_CALL; b++) fill(batch, b * DIM, inserted + b);
    const items = Array.from({ length: PER_CALL }, (_, b) => ({
      id: `v${inserted + b}`,
      vector: batch.subarray(b * DIM, (b + 1) * DIM),
      metadata: { i: inserted + b },
    }));
    try {
      await db.insertMany(items);
      inserted += PER_CALL;
    } catch (e) {
      oom = e;
    }
  }
  expect(oom).toBeInstanceOf(OutOfMemoryError);
  expect((oom as OutOfMemoryError).code).toBe('OUT_OF_MEMORY');
  // Well past 2 GB went in: rows grow by blocks, never by a copy of them all.
  expect(inserted * DIM * 4).toBeGreaterThan(2.5 * 2 ** 30);

  // The failed call left no trace.
  expect(db.size).toBe(inserted);
  expect(db.stats()).toMatchObject({ count: inserted, deleted: 0 });
  expect(await db.get(`v${inserted}`)).toBeUndefined();

  const probe = new Float32Array(DIM);
  for (const i of [0, Math.floor(inserted / 2), inserted - 1]) {
    fill(probe, 0, i);
    expect(await db.get(`v${i}`)).toMatchObject({ id: `v${i}`, metadata: { i } });
    expect((await db.get(`v${i}`))!.vector).toEqual(probe);
    const [exact] = await db.search(probe, { k: 1, exact: true });
    expect(exact).toMatchObject({ id: `v${i}`, distance: 0 });
    // The graph walk still runs (with M = 2 and efConstruction = 1 the graph
    // is too poor for a recall claim): k sorted hits of live records.
    const graph = await db.search(probe, { k: 5, efSearch: 64 });
    expect(graph).toHaveLength(5);
    for (let j = 1; j < 5; j++) expect(graph[j]!.distance).toBeGreaterThanOrEqual(graph[j - 1]!.distance);
    for (const h of graph) expect(Number(h.id.slice(1))).toBeLessThan(inserted);
  }

  // A search whose scratch is sized by efSearch (2^20 candidates: 8 MB of
  // result heap, more than the few MB left) reports OutOfMemoryError instead
  // of aborting the instance; if the memory happens to be there it simply
  // answers. Either way the database keeps working.
  fill(probe, 0, 1);
  try {
    const wide = await db.search(probe, { k: 3, efSearch: 1 << 20 });
    expect(wide[0]).toMatchObject({ id: 'v1', distance: 0 });
  } catch (e) {
    expect(e).toBeInstanceOf(OutOfMemoryError);
  }
  expect((await db.search(probe, { k: 1, exact: true }))[0]).toMatchObject({ id: 'v1', distance: 0 });

  // compact() works in place (rows moved down, the graph rebuilt in its own
  // buffers): at the ceiling it reclaims the tombstone and keeps every record.
  expect(await db.delete('v0')).toBe(true);
  expect(await db.compact()).toBe(1);
  expect(db.size).toBe(inserted - 1);
  expect(db.stats()).toMatchObject({ count: inserted - 1, deleted: 0 });
  expect(await db.get('v0')).toBeUndefined();
  for (const i of [1, Math.floor(inserted / 2), inserted - 1]) {
    fill(probe, 0, i);
    expect((await db.get(`v${i}`))!.vector).toEqual(probe);
    expect((await db.search(probe, { k: 1, exact: true }))[0]).toMatchObject({ id: `v${i}`, distance: 0 });
  }
  await db.close();
});
