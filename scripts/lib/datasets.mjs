// Readers for the ANN benchmark formats (all little-endian):
//   fvecs: per vector, int32 dim then dim float32
//   ivecs: per row, int32 k then k int32
//   u8bin: uint32 n, uint32 dim, then n*dim uint8 (converted to float32)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads an fvecs/ivecs file into { n, dim, data } (Float32Array or Int32Array, row-major). */
export function readVecs(path, kind) {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < 4) throw new Error(`${path}: empty file`);
  const dim = view.getInt32(0, true);
  const row = 4 + 4 * dim;
  if (dim <= 0 || buf.byteLength % row !== 0) throw new Error(`${path}: not a ${kind} file (dim ${dim}, ${buf.byteLength} bytes)`);
  const n = buf.byteLength / row;
  const data = kind === 'fvecs' ? new Float32Array(n * dim) : new Int32Array(n * dim);
  for (let i = 0; i < n; i++) {
    if (view.getInt32(i * row, true) !== dim) throw new Error(`${path}: row ${i} has a different dimension`);
    for (let j = 0; j < dim; j++) {
      const at = i * row + 4 + 4 * j;
      data[i * dim + j] = kind === 'fvecs' ? view.getFloat32(at, true) : view.getInt32(at, true);
    }
  }
  return { n, dim, data };
}

/** Reads a u8bin file as float32 { n, dim, data }. */
export function readU8bin(path) {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getUint32(0, true);
  const dim = view.getUint32(4, true);
  if (buf.byteLength !== 8 + n * dim) throw new Error(`${path}: expected ${8 + n * dim} bytes, found ${buf.byteLength}`);
  return { n, dim, data: Float32Array.from(buf.subarray(8)) };
}

/** Loads base/query (fvecs or u8bin) and groundtruth.ivecs (or null) from a dataset folder. */
export function loadDataset(dir) {
  const pick = (name) => {
    if (existsSync(join(dir, `${name}.fvecs`))) return readVecs(join(dir, `${name}.fvecs`), 'fvecs');
    if (existsSync(join(dir, `${name}.u8bin`))) return readU8bin(join(dir, `${name}.u8bin`));
    throw new Error(`${dir}: no ${name}.fvecs or ${name}.u8bin`);
  };
  const base = pick('base');
  const query = pick('query');
  if (base.dim !== query.dim) throw new Error(`${dir}: base dim ${base.dim} != query dim ${query.dim}`);
  const gtPath = join(dir, 'groundtruth.ivecs');
  const groundtruth = existsSync(gtPath) ? readVecs(gtPath, 'ivecs') : null;
  return { base, query, groundtruth };
}

/** Exact squared-L2 top-k of every query by brute force (float64), an independent reference. */
export function bruteForceL2(base, query, k) {
  const { dim } = base;
  const out = new Int32Array(query.n * k);
  const dist = new Float64Array(base.n);
  const order = new Int32Array(base.n);
  for (let q = 0; q < query.n; q++) {
    const qo = q * dim;
    for (let i = 0; i < base.n; i++) {
      let s = 0;
      const bo = i * dim;
      for (let j = 0; j < dim; j++) {
        const t = base.data[bo + j] - query.data[qo + j];
        s += t * t;
      }
      dist[i] = s;
      order[i] = i;
    }
    const top = Array.from(order).sort((a, b) => dist[a] - dist[b] || a - b).slice(0, k);
    out.set(top, q * k);
  }
  return { n: query.n, dim: k, data: out };
}

/** Mean recall@k: |found ∩ true top-k| / k over queries. `found` is an array of id arrays. */
export function recallAtK(found, groundtruth, k) {
  let hit = 0;
  for (let q = 0; q < found.length; q++) {
    const truth = new Set(Array.from(groundtruth.data.subarray(q * groundtruth.dim, q * groundtruth.dim + k)));
    for (const id of found[q].slice(0, k)) if (truth.has(id)) hit++;
  }
  return hit / (found.length * k);
}
