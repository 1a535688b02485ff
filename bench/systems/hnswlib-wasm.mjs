// hnswlib-wasm 0.8.x (hnswlib compiled with Emscripten, no SIMD, ASSERTIONS on).
// It is built for the web only (ENVIRONMENT=web, wasm inlined as base64):
// - Node: needs a `globalThis.window` shim, and its loadHnswlib() mounts IDBFS,
//   which aborts without indexedDB; so in Node we call the Emscripten factory
//   of its dist chunk directly (MEMFS only). writeIndex/readIndex need an
//   initialised IDBFS, so there is no save/load in Node.
// - Browser: the page passes the library from loadHnswlib() (IDBFS mounted),
//   and save/load are writeIndex/readIndex (synced to IndexedDB).

/** Loads the Emscripten module in Node (see above). */
export async function loadInNode() {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  globalThis.window ??= globalThis;
  const require = createRequire(import.meta.url);
  const pkgDir = require.resolve('hnswlib-wasm/package.json').replace(/package\.json$/, '');
  const entry = `${pkgDir}dist/hnswlib.js`;
  const chunk = /import\("\.\/(hnswlib-[0-9a-f]+\.js)"\)/.exec(readFileSync(entry, 'utf8'));
  if (chunk === null) throw new Error(`hnswlib-wasm: cannot find the Emscripten chunk imported by ${entry}`);
  const factory = (await import(pathToFileURL(`${pkgDir}dist/${chunk[1]}`).href)).default;
  const version = JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8')).version;
  return { lib: await factory(), version, canSave: false };
}

export async function open(env = {}) {
  const { lib, version, canSave } = env.hnswlib ?? (await loadInNode());
  let index;
  let n = 0;
  const file = 'bench-index.bin';
  let admit; // filter callback while a filtered benchmark runs
  const system = {
    name: 'hnswlib-wasm',
    version,
    queryFormat: 'f32',
    asyncSearch: false,
    build(base, { M, efConstruction, seed }) {
      index = new lib.HierarchicalNSW('l2', base.dim, '');
      index.initIndex(base.n, M, efConstruction, seed);
      const labels = Array.from({ length: base.n }, (_, i) => i);
      index.addPoints(base.rows, labels, false);
      n = base.n;
    },
    /** `{ ranks, limit }`: only labels with rank < limit, through hnswlib's filter callback; null: all. */
    setFilter(spec) {
      admit = spec === null ? undefined : (label) => spec.ranks[label] < spec.limit;
    },
    setEf(ef) {
      index.setEfSearch(ef);
    },
    search(q, k) {
      return index.searchKnn(q, k, admit).neighbors;
    },
    memory() {
      return { what: 'wasm linear memory (HEAPU8.byteLength)', bytes: lib.HEAPU8.byteLength };
    },
    close() {
      index?.delete?.();
    },
  };
  if (canSave) {
    system.save = async () => {
      await index.writeIndex(file);
      return { size: () => env.hnswlibFileSize?.(file) }; // read after timing
    };
    system.load = async () => {
      const dim = index.getNumDimensions();
      const ef = index.getEfSearch();
      index.delete?.();
      index = new lib.HierarchicalNSW('l2', dim, '');
      await index.readIndex(file, n);
      index.setEfSearch(ef);
    };
  }
  return system;
}
