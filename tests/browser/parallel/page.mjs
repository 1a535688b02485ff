// The page of tests/browser/parallel-build.test.ts: dist/ as plain ES
// modules (no bundler: the threaded core's glue and pthread workers are
// loaded from beside dist/wasm/load-threads.js), served with or without
// COOP/COEP. runParallel() asks for 2 threads and reports what it got.
import { MiniVectorDB } from 'minivectordb';
import { CoreIndex } from '/dist/wasm/core-index.js';
import { loadCoreFor } from '/dist/wasm/load-threads.js';

function vectors(n, dim, seed) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, next));
}

window.runParallel = async ({ n, dim }) => {
  const warnings = [];
  const logger = { debug() {}, info() {}, warn: (m) => warnings.push(String(m)), error: (m) => warnings.push(String(m)) };
  const data = vectors(n, dim, 42);
  const { mod, threads } = await loadCoreFor(undefined, logger, 2);
  const core = CoreIndex.create(mod, { dim, metric: 'l2', M: 16, efConstruction: 100, efSearch: 64, seed: 1, quantization: 'none', rerank: 4, keepFloat: true });
  core.setBuildThreads(threads);
  const flat = new Float32Array(n * dim);
  data.forEach((v, i) => flat.set(v, i * dim));
  core.add(flat, n);
  const linkedBy = core.lastBuildThreads();
  core.dispose();
  const db = await MiniVectorDB.create({ dim, threads: 2, logger });
  await db.insertMany(data.map((vector, i) => ({ id: String(i), vector })));
  let selfFound = 0;
  for (let i = 0; i < n; i += 5) selfFound += (await db.search(data[i], { k: 1 }))[0]?.id === String(i) ? 1 : 0;
  await db.close();
  return { crossOriginIsolated: window.crossOriginIsolated === true, kThreads: mod.kThreads, threads, linkedBy, warnings, selfFound, probed: Math.ceil(n / 5) };
};
window.pageReady = true;
