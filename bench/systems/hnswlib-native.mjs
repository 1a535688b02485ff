// Native hnswlib as a reference: our C++ driver (bench/native/hnswlib-driver.cpp)
// compiled against the headers inside hnswlib-node, run as one process per
// job. It does the whole job itself (build, efSearch sweep, single-query
// loop, timed as lib/job.mjs times the JS systems), so the adapter has
// `runWhole` instead of build/search; the worker hands it the dataset folder.
// No snapshot round trip, no filtered search, Node only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { driverBinary } from '../native/compile.mjs';

export function openNative(variant) {
  return async () => ({
    name: `hnswlib-native-${variant}`,
    version: null,
    /**
     * @param dataDir  dataset folder with base and query (.fvecs or .u8bin)
     * @param opts     { k, M, efConstruction, seed, efs, minMs }
     * @returns the result shape of lib/job.mjs runJob (ids per sweep step; recall added by the caller)
     */
    runWhole(dataDir, opts, log = () => {}) {
      const files = ['base', 'query'].map((f) => ['fvecs', 'u8bin'].map((ext) => join(dataDir, `${f}.${ext}`)).find((p) => existsSync(p)));
      if (files.includes(undefined)) throw new Error(`${dataDir}: the native driver needs base and query as .fvecs or .u8bin`);
      const driver = driverBinary(variant, log);
      const args = [...files, opts.M, opts.efConstruction, opts.seed, opts.k, opts.minMs, opts.efs.join(',')].map(String);
      const out = spawnSync(driver.path, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (out.status !== 0) throw new Error(`${driver.path} failed (${out.signal ?? `code ${out.status}`}): ${(out.stderr || String(out.error)).slice(0, 500)}`);
      const r = JSON.parse(out.stdout);
      log(`hnswlib-native-${variant} (${r.simd}): built in ${r.buildSeconds.toFixed(2)} s`);
      return {
        system: `hnswlib-native-${variant}`,
        version: `${driver.version}; ${r.simd}`,
        build: { ms: r.buildSeconds * 1000, vectorsPerSecond: r.n / r.buildSeconds },
        sweep: r.sweep.map((s) => ({ ef: s.ef, mode: 'single', qps: s.qps, queries: s.queries, ms: s.ms, windows: s.windows, ids: s.ids })),
        memory: { library: { what: 'driver process peak RSS after build (getrusage; includes the loaded base and queries)', bytes: r.maxRssBytes } },
        snapshot: null,
      };
    },
    close() {},
  });
}
