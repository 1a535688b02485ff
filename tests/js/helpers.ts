/**
 * Shared test helpers: a seeded PRNG, seeded clustered Gaussian data, and an
 * INDEPENDENT brute-force kNN reference in plain JS (float64 arithmetic; it
 * shares no code with the library) plus recall@k.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MiniVectorDB, Metric, SearchHit } from 'minivectordb';
export { mulberry32 } from '../shared/prng.mjs';
import { mulberry32 } from '../shared/prng.mjs';


/** Standard normal samples (Box–Muller) from a uniform PRNG. */
export function gaussian(rng: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface ClusteredData {
  /** n vectors of dim float32 values. */
  vectors: Float32Array[];
  /** Cluster of each vector. */
  cluster: number[];
  /** Cluster centres (float64). */
  centres: Float64Array[];
  /** Draws a fresh point from the same mixture (for queries). */
  sample: () => Float32Array;
}

/**
 * Seeded mixture of isotropic Gaussians: `clusters` centres drawn from
 * N(0, centreScale²·I), points from N(centre, spread²·I).
 */
export function clusteredData(opts: {
  n: number;
  dim: number;
  seed: number;
  clusters?: number;
  spread?: number;
  centreScale?: number;
}): ClusteredData {
  const { n, dim, seed, clusters = 20, spread = 1, centreScale = 3 } = opts;
  const rng = mulberry32(seed);
  const g = gaussian(rng);
  const centres: Float64Array[] = [];
  for (let c = 0; c < clusters; c++) {
    const v = new Float64Array(dim);
    for (let j = 0; j < dim; j++) v[j] = g() * centreScale;
    centres.push(v);
  }
  const point = (c: number): Float32Array => {
    const v = new Float32Array(dim);
    const centre = centres[c]!;
    for (let j = 0; j < dim; j++) v[j] = centre[j]! + g() * spread;
    return v;
  };
  const vectors: Float32Array[] = [];
  const cluster: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * clusters);
    cluster.push(c);
    vectors.push(point(c));
  }
  return { vectors, cluster, centres, sample: () => point(Math.floor(rng() * clusters)) };
}

/** Uniform random vectors in [-1, 1)^dim. */
export function randomVectors(n: number, dim: number, seed: number): Float32Array[] {
  const rng = mulberry32(seed);
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = rng() * 2 - 1;
    out.push(v);
  }
  return out;
}

export interface RefHit {
  /** Position of the vector in the reference data array. */
  index: number;
  /** Distance in the library's units, computed in float64. */
  distance: number;
}

function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm64(a: ArrayLike<number>): number {
  return Math.sqrt(dot64(a, a));
}

/**
 * Reference distance (float64): l2 → squared Euclidean; cosine → 1 − cos
 * (both vectors normalised); ip → 1 − dot.
 */
export function refDistance(metric: Metric, a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error('refDistance: length mismatch');
  if (metric === 'l2') {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i]! - b[i]!;
      s += d * d;
    }
    return s;
  }
  if (metric === 'cosine') return 1 - dot64(a, b) / (norm64(a) * norm64(b));
  return 1 - dot64(a, b);
}

/**
 * Exact top-k by brute force over `data` (optionally only the positions for
 * which `admit(i)` is true), nearest first; ties broken by position.
 */
export function bruteForceKnn(
  data: readonly ArrayLike<number>[],
  query: ArrayLike<number>,
  k: number,
  metric: Metric,
  admit?: (i: number) => boolean,
): RefHit[] {
  const all: RefHit[] = [];
  for (let i = 0; i < data.length; i++) {
    if (admit !== undefined && !admit(i)) continue;
    all.push({ index: i, distance: refDistance(metric, query, data[i]!) });
  }
  all.sort((x, y) => x.distance - y.distance || x.index - y.index);
  return all.slice(0, k);
}

/** recall@k: fraction of the true top-k ids found in the returned ids. */
export function recallAtK(got: readonly string[], truth: readonly string[]): number {
  if (truth.length === 0) return got.length === 0 ? 1 : 0;
  const t = new Set(truth);
  let hit = 0;
  for (const id of new Set(got)) if (t.has(id)) hit++;
  return hit / truth.length;
}

/** Absolute tolerance for comparing a float32 library distance with the float64 reference. */
export function distanceTolerance(reference: number): number {
  return 1e-4 * Math.max(1, Math.abs(reference));
}

/**
 * Checks that `hits` is a valid exact top-k for the reference `ref` (which
 * holds at least k+1 entries when available): same length, the i-th distance
 * equal to the i-th reference distance within tolerance, and the same id set
 * unless the k-th and (k+1)-th reference distances are within tolerance
 * (a float32 near-tie at the boundary). Returns a description of the first
 * problem, or undefined.
 */
export function checkExactTopK(
  hits: readonly SearchHit[],
  ref: readonly RefHit[],
  k: number,
  idOf: (index: number) => string,
): string | undefined {
  const want = Math.min(k, ref.length);
  if (hits.length !== want) return `expected ${want} hits, got ${hits.length}`;
  for (let i = 0; i < want; i++) {
    const d = ref[i]!.distance;
    if (Math.abs(hits[i]!.distance - d) > distanceTolerance(d)) {
      return `hit ${i}: distance ${hits[i]!.distance}, reference ${d}`;
    }
  }
  const boundaryTie = ref.length > want && ref[want]!.distance - ref[want - 1]!.distance <= distanceTolerance(ref[want - 1]!.distance);
  if (!boundaryTie) {
    const a = [...hits.map((h) => h.id)].sort();
    const b = ref.slice(0, want).map((r) => idOf(r.index)).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) return `id sets differ: ${a.join(',')} vs ${b.join(',')}`;
  }
  return undefined;
}

/** stats() without memoryBytes, which counts allocated capacity (growth by doubling vs. exact allocation on load) and so is not part of the persisted state. */
export function statsWithoutMemory(db: MiniVectorDB): object {
  const { memoryBytes: _ignored, ...rest } = db.stats();
  return rest;
}

/** A fresh temporary directory (removed by the returned cleanup). */
export async function tempDir(): Promise<{ dir: string; url: (name: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mvdb-test-'));
  return {
    dir,
    url: (name) => pathToFileURL(join(dir, name)).href,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Observable state of a database: size, stats (without memoryBytes), and the
 * full results (ids, distances, metadata) of HNSW and exact searches for
 * `queries`. Used to prove that a failed call changed nothing.
 */
export async function fingerprint(db: MiniVectorDB, queries: readonly Float32Array[], k = 10): Promise<unknown> {
  const { memoryBytes: _ignored, ...stats } = db.stats();
  const approx = await db.searchBatch(queries as Float32Array[], { k });
  const exact = [];
  for (const q of queries) exact.push(await db.search(q, { k, exact: true }));
  return { size: db.size, stats, approx, exact };
}

/** What `p` rejects with; throws (failing the test) when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
}

/** Asserts that `fn` rejects/throws with an error of class `cls` and returns it. */
export async function caught<T extends Error>(fn: () => unknown, cls: new (...args: never[]) => T): Promise<T> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected ${cls.name} but nothing was thrown`);
  if (!(error instanceof cls)) {
    throw new Error(`expected ${cls.name}, got ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`);
  }
  return error;
}
