// hnswlib-node 3.x: hnswlib as an N-API addon, compiled by node-gyp when
// installed (an optional dependency of bench/native-peers, allowed in
// package.json "allowScripts"). Node only. Points and queries must be plain
// arrays (it rejects typed arrays), so the harness prepares number[] rows.
import { createRequire } from 'node:module';
import { packageVersion } from './pkg.mjs';
import { statSync } from 'node:fs';
import { join } from 'node:path';

export async function open() {
  const require = createRequire(import.meta.url);
  const { HierarchicalNSW } = require('hnswlib-node');
  const version = packageVersion('hnswlib-node');
  let index;
  let dim;
  let path;
  let admit; // filter callback while a filtered benchmark runs
  return {
    name: 'hnswlib-node',
    version,
    queryFormat: 'array',
    asyncSearch: false,
    build(base, { M, efConstruction, seed }) {
      dim = base.dim;
      index = new HierarchicalNSW('l2', dim);
      index.initIndex({ maxElements: base.n, m: M, efConstruction, randomSeed: seed });
      for (let i = 0; i < base.n; i++) index.addPoint(base.arrays[i], i);
    },
    /** `{ ranks, limit }`: only labels with rank < limit, through hnswlib's filter callback; null: all. */
    setFilter(spec) {
      admit = spec === null ? undefined : (label) => spec.ranks[label] < spec.limit;
    },
    setEf(ef) {
      index.setEf(ef);
    },
    search(q, k) {
      return index.searchKnn(q, k, admit).neighbors;
    },
    save(dir) {
      path = join(dir, 'hnswlib-node.bin');
      index.writeIndexSync(path);
      return { bytes: statSync(path).size };
    },
    load() {
      const ef = index.getEf();
      index = new HierarchicalNSW('l2', dim);
      index.readIndexSync(path);
      index.setEf(ef);
    },
    close() {
      index = undefined;
    },
  };
}
