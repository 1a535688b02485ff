/** Growth of WebAssembly memory far past its initial size. */
import { expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { distanceTolerance, mulberry32, refDistance } from './helpers.js';

const N = 200_000;
const DIM = 128;
const BATCH = 10_000;

test('200,000 × 128 vectors: memory grows past 100 MB, inserted vectors are found at distance 0', async () => {
  const db = await MiniVectorDB.create({ dim: DIM, M: 8, efConstruction: 16, efSearch: 16, seed: 1 });
  const initialBytes = db.stats().memoryBytes;
  expect(initialBytes).toBeLessThan(16 * 1024 * 1024);

  const rng = mulberry32(2024);
  // Keep a few vectors to search for afterwards.
  const probes = new Map<number, Float32Array>();
  const probeIndexes = [0, 1, 12_345, 99_999, 150_001, N - 1];
  const progress: [number, number][] = [];
  let totalInserted = 0;
  const t0 = performance.now();
  for (let start = 0; start < N; start += BATCH) {
    const flat = new Float32Array(BATCH * DIM);
    for (let j = 0; j < flat.length; j++) flat[j] = rng() * 2 - 1;
    const items = Array.from({ length: BATCH }, (_, b) => {
      const vector = flat.subarray(b * DIM, (b + 1) * DIM);
      if (probeIndexes.includes(start + b)) probes.set(start + b, vector.slice());
      return { id: `m${start + b}`, vector };
    });
    const onProgress = start === 0 ? (done: number, total: number) => progress.push([done, total]) : undefined;
    const res = await db.insertMany(items, onProgress ? { onProgress } : {});
    totalInserted += res.inserted;
    expect(res.updated).toBe(0);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`inserted ${N} × ${DIM} in ${seconds.toFixed(1)} s; memoryBytes ${db.stats().memoryBytes}`); // information only

  expect(totalInserted).toBe(N);
  expect(db.size).toBe(N);
  const stats = db.stats();
  expect(stats.count).toBe(N);
  expect(stats.memoryBytes).toBeGreaterThan(100 * 1024 * 1024);
  expect(stats.memoryBytes).toBeGreaterThanOrEqual(N * DIM * 4); // at least the raw vectors

  // onProgress: increasing `done`, constant total, ending at total.
  expect(progress.length).toBeGreaterThan(1);
  for (let i = 0; i < progress.length; i++) {
    expect(progress[i]![1]).toBe(BATCH);
    if (i > 0) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
  }
  expect(progress[progress.length - 1]![0]).toBe(BATCH);

  for (const [i, v] of probes) {
    const [top] = await db.search(v, { k: 1, exact: true });
    expect(top).toMatchObject({ id: `m${i}`, distance: 0 });
    const rec = await db.get(`m${i}`);
    expect(rec!.vector).toEqual(v);
  }
  // The graph walk also still works after the growth (uniform random data in
  // 128 dimensions with M = 8 is too hard for a recall claim; check the hits).
  const batch = await db.searchBatch([...probes.values()], { k: 5, efSearch: 64 });
  const probeVectors = [...probes.values()];
  for (let q = 0; q < batch.length; q++) {
    expect(batch[q]).toHaveLength(5);
    for (let j = 0; j < 5; j++) {
      const hit = batch[q]![j]!;
      if (j > 0) expect(hit.distance).toBeGreaterThanOrEqual(batch[q]![j - 1]!.distance);
      const ref = refDistance('l2', probeVectors[q]!, (await db.get(hit.id))!.vector);
      expect(Math.abs(hit.distance - ref)).toBeLessThanOrEqual(distanceTolerance(ref));
    }
  }
  await db.close();
});
