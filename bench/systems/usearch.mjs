// usearch 2.25.x (N-API addon; the npm package ships prebuilt binaries for
// linux-x64/arm64 and macOS, so its install script is not needed and is
// denied in package.json "allowScripts"). Node only; one thread is passed to
// add() and search(). Its JS API fixes expansion_search (efSearch) when the
// index is constructed, so setEf() saves the built index once and loads it
// into a new Index constructed with expansion_search = ef (not timed).
import { createRequire } from 'node:module';
import { packageVersion } from './pkg.mjs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync, statSync } from 'node:fs';

/** Collects garbage and lets N-API finalizers (which free native indexes) run; needs --expose-gc. */
async function releaseNative() {
  for (let i = 0; i < 2; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function open(env = {}) {
  const require = createRequire(import.meta.url);
  const usearch = require('usearch');
  const version = packageVersion('usearch');
  let index;
  let config;
  let efPath;
  let efDir;
  let savePath;
  let currentEf = 64;
  const fresh = (ef) => new usearch.Index({ ...config, expansion_search: ef });
  return {
    name: 'usearch',
    version,
    queryFormat: 'f32',
    asyncSearch: false,
    build(base, { M, efConstruction }) {
      config = { dimensions: base.dim, metric: 'l2sq', quantization: 'f32', connectivity: M, expansion_add: efConstruction, multi: false };
      index = fresh(64);
      const keys = new BigUint64Array(base.n);
      for (let i = 0; i < base.n; i++) keys[i] = BigInt(i);
      index.add(keys, base.data, 1);
    },
    async setEf(ef) {
      if (efPath === undefined) {
        efDir = mkdtempSync(join(env.tmpDir ?? tmpdir(), 'usearch-ef-'));
        efPath = join(efDir, 'index.usearch');
        index.save(efPath);
      }
      index = undefined;
      await releaseNative(); // free the previous native index first (else peak RSS counts both)
      index = fresh(ef);
      index.load(efPath);
      currentEf = ef;
    },
    search(q, k) {
      const keys = index.search(q, k, 1).keys;
      const out = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) out[i] = Number(keys[i]);
      return out;
    },
    searchBatch(flat, nq, k) {
      const m = index.search(flat, k, 1);
      const out = new Array(nq);
      for (let q = 0; q < nq; q++) {
        const row = new Array(k);
        for (let j = 0; j < k; j++) row[j] = Number(m.keys[q * k + j]);
        out[q] = row;
      }
      return out;
    },
    save(dir) {
      savePath = join(dir, 'index.usearch');
      index.save(savePath);
      return { bytes: statSync(savePath).size };
    },
    load() {
      // Memory is measured before the snapshot step, so the old index may linger here.
      index = fresh(currentEf);
      index.load(savePath);
    },
    close() {
      index = undefined;
      if (efDir !== undefined) rmSync(efDir, { recursive: true, force: true });
    },
  };
}
