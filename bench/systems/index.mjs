// The systems the Node bench knows, in report order. Each entry is loaded
// lazily so that a peer that failed to install only fails its own jobs.
export const SYSTEMS = {
  minivectordb: () => import('./minivectordb.mjs'),
  'minivectordb-int8': () => import('./minivectordb-int8.mjs'),
  'minivectordb-reordered': () => import('./minivectordb-reordered.mjs'),
  'minivectordb-int8-reordered': () => import('./minivectordb-int8-reordered.mjs'),
  'hnswlib-wasm': () => import('./hnswlib-wasm.mjs'),
  'hnswlib-node': () => import('./hnswlib-node.mjs'),
  'hnswlib-native-avx': () => import('./hnswlib-native-avx.mjs'),
  'hnswlib-native-sse2': () => import('./hnswlib-native-sse2.mjs'),
  usearch: () => import('./usearch.mjs'),
  mememo: () => import('./mememo.mjs'),
  'js-bruteforce': () => import('./bruteforce.mjs'),
};

/** Systems that also run in Chromium (bench/browser). */
export const BROWSER_SYSTEMS = ['minivectordb', 'hnswlib-wasm'];
