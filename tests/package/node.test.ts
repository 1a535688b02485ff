/** The packed package installed into fresh projects: Node ESM and CommonJS, vectors, file:// snapshots, the default text model, a worker_threads worker. */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { cleanEnv, consumerProject, removeDir } from './pack.js';

interface Out {
  size: number;
  saved: string[];
  url: string;
  exact: string[][];
  truth: string[][];
  filteredAllEven: boolean;
  sameAfterOpen: boolean;
  textHits: string[];
  textInfo: { dim: number; metric: string };
  sameInWorker: boolean;
  workerSize: number;
  workerError: string;
  resolved: string;
}

describe('installed package in Node', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await consumerProject(inject('tarball'), 'consumer');
  });
  afterAll(() => removeDir(dir));

  test('the tarball holds the built package and no sources', () => {
    const files = spawnSync('tar', ['tzf', inject('tarball')], { encoding: 'utf8' }).stdout.split('\n');
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/worker/index.js', 'dist/worker/worker-entry.js', 'dist/index.d.ts', 'dist/wasm/minivectordb_core.wasm', 'dist/models/wordnet-256/onnx/model.onnx', 'dist/models/wordnet-256/tokenizer.json']) {
      expect(files).toContain(`package/${f}`);
    }
    expect(files.filter((f) => /^package\/(js|wasm|tests|scripts|bench)\//.test(f))).toEqual([]);
  });

  for (const [kind, script] of [['ESM import', 'esm.mjs'], ['CommonJS require', 'cjs.cjs']] as const) {
    test(`${kind}: create, insert, search, save to file://, open, text model, openInWorker`, () => {
      const r = spawnSync(process.execPath, [script], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as Out;
      const resolved = out.resolved.startsWith('file:') ? fileURLToPath(out.resolved) : out.resolved;
      expect(resolved.startsWith(join(realpathSync(dir), 'node_modules', 'minivectordb', 'dist'))).toBe(true);
      expect(out.exact).toEqual(out.truth);
      expect(out.filteredAllEven).toBe(true);
      expect(out.sameAfterOpen).toBe(true);
      expect(out.size).toBe(500);
      expect(out.saved).toEqual([out.url]);
      expect(out.textInfo).toEqual({ dim: 256, metric: 'cosine' });
      expect(out.textHits[0]).toBe('bike');
      expect(out.sameInWorker).toBe(true);
      expect(out.workerSize).toBe(out.size);
      expect(out.workerError).toBe('true:DIMENSION_MISMATCH:16:3');
    });
  }
});
