/**
 * HNSW quality against the independent brute-force reference, per metric and
 * on every target: recall@10 on seeded clustered data, distances and scores
 * in the documented units, ordering, and exact search equal to brute force.
 * recall.test.ts runs the same suite on the page at a larger scale.
 */
import { beforeAll, afterAll, describe, expect, test } from 'vitest';
import type { Metric, SearchHit } from 'minivectordb';
import { bruteForceKnn, checkExactTopK, clusteredData, distanceTolerance, recallAtK, refDistance, type RefHit } from '../helpers.js';
import type { Database, Target } from './targets.js';

const K = 10;

/** Size of the data and the index parameters of a run. */
export interface RecallScale {
  n: number;
  dim: number;
  queries: number;
  M: number;
  efConstruction: number;
  efSearch: number;
}
/** Small enough to run on all six targets. */
export const SMALL: RecallScale = { n: 2000, dim: 24, queries: 60, M: 12, efConstruction: 120, efSearch: 64 };

export function recallSuite(target: Target, scale: RecallScale = SMALL): void {
  const { n: N, dim: DIM, queries: NQ, M, efConstruction, efSearch: EF } = scale;
  describe.each(['l2', 'cosine', 'ip'] as Metric[])(`recall on ${target.name} (%s)`, (metric) => {
    let db: Database;
    let data: Float32Array[];
    let queries: Float32Array[];
    let truth: RefHit[][];
    let batch: SearchHit[][];
    const idOf = (i: number): string => `v${i}`;
    const indexOf = (id: string): number => Number(id.slice(1));

    beforeAll(async () => {
      const seed = { l2: 11, cosine: 22, ip: 33 }[metric];
      const d = clusteredData({ n: N, dim: DIM, seed, clusters: 24, centreScale: 0.7 }); // overlapping clusters: not trivially easy
      data = d.vectors;
      queries = Array.from({ length: NQ }, () => d.sample());
      db = await target.create({ dim: DIM, metric, M, efConstruction, efSearch: EF, seed: 7 });
      const res = await db.insertMany(data.map((vector, i) => ({ id: idOf(i), vector, metadata: { i } })));
      expect(res).toEqual({ inserted: N, updated: 0 });
      truth = queries.map((q) => bruteForceKnn(data, q, K + 1, metric));
      batch = await db.searchBatch(queries, { k: K, efSearch: EF });
    });

    test('reopened from the target\'s storage, the index gives the same hits', async () => {
      await db.save(target.url(`recall-${metric}`));
      const opened = await target.open(target.url(`recall-${metric}`));
      try {
        expect(await opened.searchBatch(queries, { k: K, efSearch: EF })).toEqual(batch);
      } finally {
        await opened.close();
      }
    });
    afterAll(async () => {
      await db?.close();
    });

    test('the database holds every vector (and more than efSearch·M, so the graph walk runs)', async () => {
      expect(await db.count()).toBe(N);
      expect(N).toBeGreaterThan(EF * M);
      expect(await db.stats()).toMatchObject({ count: N, deleted: 0, dim: DIM, metric, M, efConstruction, efSearch: EF });
    });

    test('recall@10 ≥ 0.95 against brute force', () => {
      expect(batch).toHaveLength(NQ);
      let sum = 0;
      for (let i = 0; i < NQ; i++) {
        expect(batch[i]).toHaveLength(K);
        sum += recallAtK(batch[i]!.map((h) => h.id), truth[i]!.slice(0, K).map((r) => idOf(r.index)));
      }
      const recall = sum / NQ;
      expect(recall, `recall@10 = ${recall}`).toBeGreaterThanOrEqual(0.95);
    });

    test('search() returns the same hits as searchBatch()', async () => {
      for (const i of [0, 17, 42, NQ - 1]) {
        const single = await db.search(queries[i]!, { k: K, efSearch: EF });
        expect(single).toEqual(batch[i]);
      }
    });

    test('returned distances match the reference distance of the returned id', () => {
      for (let i = 0; i < NQ; i++) {
        for (const hit of batch[i]!) {
          const ref = refDistance(metric, queries[i]!, data[indexOf(hit.id)]!);
          expect(Math.abs(hit.distance - ref)).toBeLessThanOrEqual(distanceTolerance(ref));
        }
      }
    });

    test('score is in the documented units', () => {
      for (let i = 0; i < NQ; i++) {
        for (const hit of batch[i]!) {
          const v = data[indexOf(hit.id)]!;
          const q = queries[i]!;
          if (metric === 'l2') {
            expect(Object.is(hit.score, -hit.distance) || (hit.distance === 0 && hit.score === 0)).toBe(true);
          } else {
            expect(hit.score).toBe(1 - hit.distance);
          }
          if (metric === 'cosine') {
            const cos = 1 - refDistance('cosine', q, v); // cosine similarity in float64
            expect(Math.abs(hit.score - cos)).toBeLessThanOrEqual(1e-4);
            expect(hit.score).toBeGreaterThanOrEqual(-1 - 1e-6);
            expect(hit.score).toBeLessThanOrEqual(1 + 1e-6);
          }
          if (metric === 'ip') {
            let dot = 0;
            for (let j = 0; j < DIM; j++) dot += q[j]! * v[j]!;
            expect(Math.abs(hit.score - dot)).toBeLessThanOrEqual(distanceTolerance(dot));
          }
        }
      }
    });

    test('hits are sorted by distance ascending, ids distinct, metadata attached', () => {
      for (const hits of batch) {
        for (let j = 1; j < hits.length; j++) expect(hits[j]!.distance).toBeGreaterThanOrEqual(hits[j - 1]!.distance);
        expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
        for (const h of hits) expect(h.metadata).toEqual({ i: indexOf(h.id) });
      }
    });

    test('exact: true returns the brute-force top-k', async () => {
      for (let i = 0; i < NQ; i += 4) {
        const hits = await db.search(queries[i]!, { k: K, exact: true });
        expect(checkExactTopK(hits, truth[i]!, K, idOf)).toBeUndefined();
      }
      const exactBatch = await db.searchBatch(queries.slice(0, 10), { k: K, exact: true });
      for (let i = 0; i < 10; i++) expect(checkExactTopK(exactBatch[i]!, truth[i]!, K, idOf)).toBeUndefined();
    });

    test('exact search for an inserted vector finds the brute-force top-1 (itself for l2 and cosine)', async () => {
      for (const i of [0, Math.floor(N / 2), N - 1]) {
        const [top] = await db.search(data[i]!, { k: 1, exact: true });
        const ref = bruteForceKnn(data, data[i]!, 2, metric);
        expect(checkExactTopK([top!], ref, 1, idOf)).toBeUndefined();
        if (metric !== 'ip') {
          expect(top!.id).toBe(idOf(i));
          if (metric === 'l2') expect(top!.distance).toBe(0);
          else expect(Math.abs(top!.distance)).toBeLessThanOrEqual(1e-5);
        }
      }
    });
  });
}
