/** What a suite compares before and after a call, on any target. */
import type { SearchHit } from 'minivectordb';
import type { Database } from './targets.js';

/** stats() without memoryBytes, which counts allocated capacity (growth by doubling vs exact allocation on load), not persisted state. */
export async function statsWithoutMemory(db: Database): Promise<object> {
  const { memoryBytes: _ignored, ...rest } = await db.stats();
  return rest;
}

/**
 * Observable state of a database: count, stats (without memoryBytes), and
 * the full results (ids, distances, scores, metadata) of HNSW and exact
 * searches for `queries`. Used to prove that a failed call changed nothing.
 */
export async function fingerprint(db: Database, queries: readonly Float32Array[], k = 10): Promise<Record<string, unknown>> {
  const approx = await db.searchBatch(queries as Float32Array[], { k });
  const exact: SearchHit[][] = [];
  for (const q of queries) exact.push(await db.search(q, { k, exact: true }));
  return { count: await db.count(), stats: await statsWithoutMemory(db), approx, exact };
}
