// MeMemo 0.1.x: HNSW in TypeScript (promises, string keys, number[] values).
// Its built-in distances are cosine only, so squared L2 is passed as a custom
// distance function. useIndexedDB: false keeps embeddings in memory (Node has
// no IndexedDB). Its "snapshot" is exportIndex() (graph only, JSON); loading
// is loadIndex() plus bulkInsertSkipIndex() of every embedding.
import { packageVersion } from './pkg.mjs';
import { join } from 'node:path';
import { readFileSync, statSync, writeFileSync } from 'node:fs';

function l2sq(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i] - b[i];
    s += t * t;
  }
  return s;
}

export async function open() {
  const { HNSW } = await import('mememo');
  const version = packageVersion('mememo');
  let index;
  let ef = 64;
  let keys;
  let values;
  let path;
  let params;
  const make = () => new HNSW({ distanceFunction: l2sq, m: params.M, efConstruction: params.efConstruction, seed: params.seed, useIndexedDB: false });
  return {
    name: 'mememo',
    version,
    queryFormat: 'array',
    asyncSearch: true,
    async build(base, p) {
      params = p;
      index = make();
      keys = Array.from({ length: base.n }, (_, i) => String(i));
      values = base.arrays;
      await index.bulkInsert(keys, values);
    },
    setEf(value) {
      ef = value;
    },
    async search(q, k) {
      const { keys: found } = await index.query(q, k, ef);
      return found.map(Number);
    },
    save(dir) {
      path = join(dir, 'mememo-index.json');
      writeFileSync(path, JSON.stringify(index.exportIndex()));
      return { bytes: statSync(path).size };
    },
    async load() {
      index = make();
      index.loadIndex(JSON.parse(readFileSync(path, 'utf8')));
      await index.bulkInsertSkipIndex(keys, values);
    },
    close() {
      index = undefined;
    },
  };
}
