// Datasets for the benchmark: resolves names and folders, loads base/query
// vectors with the readers of scripts/lib/datasets.mjs (fvecs or u8bin →
// float32), and supplies exact ground truth, computed by brute force and
// cached under bench/.cache/ when the folder has no groundtruth.ivecs (or
// one with fewer than k neighbours per query).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bruteForceL2, loadDataset, readVecs } from '../../scripts/lib/datasets.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultDatasetsDir = resolve(repoRoot, '..', 'shared', 'datasets');
export const cacheDir = join(repoRoot, 'bench', '.cache');

/** Folder of a dataset given by name (under the shared datasets folder) or by path. */
export function datasetDir(nameOrPath, datasetsDir = defaultDatasetsDir) {
  if (nameOrPath.includes('/') || nameOrPath.startsWith('.')) return resolve(nameOrPath);
  return join(datasetsDir, nameOrPath);
}

function vectorFiles(dir) {
  const pick = (name) => ['fvecs', 'u8bin'].map((ext) => join(dir, `${name}.${ext}`)).find((p) => existsSync(p));
  return { base: pick('base'), query: pick('query') };
}

/** Throws a readable error when `dir` is not a dataset folder. */
export function checkDatasetDir(dir) {
  if (!existsSync(dir)) throw new Error(`dataset folder ${dir} not found`);
  const { base, query } = vectorFiles(dir);
  if (!base || !query) throw new Error(`${dir}: needs base.fvecs|base.u8bin and query.fvecs|query.u8bin`);
}

/** Loads { base, query } (float32, row-major) from a dataset folder. */
export function loadVectors(dir) {
  const { base, query } = loadDataset(dir);
  return { base, query };
}

/** Writes { n, dim, data } row by row: per row an int32 dim, then dim values written by `put(buf, value, offset)`. */
function writeVecs(path, set, put) {
  const row = 4 + 4 * set.dim;
  const buf = Buffer.alloc(set.n * row);
  for (let i = 0; i < set.n; i++) {
    buf.writeInt32LE(set.dim, i * row);
    for (let j = 0; j < set.dim; j++) put(buf, set.data[i * set.dim + j], i * row + 4 + 4 * j);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buf);
}

/** Writes { n, dim, data: Float32Array } as fvecs (per row: int32 dim, then dim float32). */
export function writeFvecs(path, set) {
  writeVecs(path, set, (buf, v, at) => buf.writeFloatLE(v, at));
}

/** Writes { n, dim, data } of int32 neighbour ids as ivecs. */
export function writeIvecs(path, gt) {
  writeVecs(path, gt, (buf, v, at) => buf.writeInt32LE(v, at));
}

/**
 * Exact top-k ids per query: the folder's groundtruth.ivecs when it has at
 * least k columns, else a brute-force result cached in bench/.cache/ (keyed
 * by the base/query files' paths, sizes and modification times, and k).
 * @returns {{ groundtruth: {n, dim, data: Int32Array}, source: string }}
 */
export function groundTruth(dir, base, query, k, log = () => {}) {
  const gtPath = join(dir, 'groundtruth.ivecs');
  if (existsSync(gtPath)) {
    const gt = readVecs(gtPath, 'ivecs');
    if (gt.n === query.n && gt.dim >= k) return { groundtruth: gt, source: gtPath };
    log(`${gtPath} has ${gt.n}×${gt.dim}, need ${query.n}×${k}: computing ground truth instead`);
  }
  const files = vectorFiles(dir);
  const key = createHash('sha256')
    .update(JSON.stringify([files.base, files.query].map((p) => [p, statSync(p).size, statSync(p).mtimeMs]).concat([k])))
    .digest('hex')
    .slice(0, 16);
  const cached = join(cacheDir, `groundtruth-${key}-k${k}.ivecs`);
  if (existsSync(cached)) return { groundtruth: readVecs(cached, 'ivecs'), source: cached };
  log(`computing exact ground truth by brute force (${query.n} queries × ${base.n} vectors, k=${k})…`);
  const gt = bruteForceL2(base, query, k);
  writeIvecs(cached, gt);
  return { groundtruth: gt, source: `${cached} (computed)` };
}

