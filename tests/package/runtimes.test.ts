/**
 * The packed package in Deno, Bun and Cloudflare's workerd (all from npm),
 * each running the shared smoke suite (tests/package/runtimes/smoke.mjs):
 * vectors against brute force, a filter, a snapshot saved to the runtime's
 * storage and opened again, and text with the default model (Deno, Bun). In
 * workerd the worker is bundled by esbuild as wrangler does, gets the core as
 * a compiled module (`wasm: { module }`), and is driven over HTTP.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { binaries, supportedPlatform } from './runtime-binaries.js';
import { cleanEnv, consumerProject, freePort, removeDir, waitForHttp } from './pack.js';

interface Smoke {
  exactMatches: boolean;
  filteredMatches: boolean;
  recall: number;
  size: number;
  sameAfterOpen: boolean;
  textHits?: string[];
  textDim?: number;
  textError?: string | null;
  resolved?: string;
}

function expectSmoke(out: Smoke): void {
  expect(out.exactMatches).toBe(true);
  expect(out.filteredMatches).toBe(true);
  expect(out.recall).toBeGreaterThanOrEqual(0.9);
  expect(out.size).toBe(300);
  expect(out.sameAfterOpen).toBe(true);
}

function runJson(cmd: string, args: string[], cwd: string): Smoke {
  const r = spawnSync(cmd, args, { cwd, env: { ...cleanEnv(), NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Smoke;
}

describe.skipIf(!supportedPlatform)('installed package in Deno, Bun and workerd', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await consumerProject(inject('tarball'), 'runtimes', ['esbuild']);
  });
  afterAll(() => removeDir(dir));

  test('Deno (npm package through node_modules): vectors, filter, file:// snapshot, default text model', () => {
    const out = runJson(binaries.deno(), ['run', '--node-modules-dir=manual', '--allow-read', '--allow-write', '--allow-env', '--allow-sys', 'fs-entry.mjs'], dir);
    expectSmoke(out);
    expect(out.textDim).toBe(256);
    expect(out.textHits?.[0]).toBe('bike');
    expect(out.resolved).toBe(`file://${join(dir, 'node_modules/minivectordb/dist/index.js')}`);
  });

  test('Bun: vectors, filter, file:// snapshot, default text model', () => {
    const out = runJson(binaries.bun(), ['fs-entry.mjs'], dir);
    expectSmoke(out);
    expect(out.textDim).toBe(256);
    expect(out.textHits?.[0]).toBe('bike');
    expect(out.resolved).toBe(`file://${join(dir, 'node_modules/minivectordb/dist/index.js')}`);
  });

  describe('workerd', () => {
    let workerd: ChildProcess | undefined;
    let origin = '';
    beforeAll(async () => {
      const bundled = spawnSync(process.execPath, ['bundle-worker.mjs'], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
      if (bundled.status !== 0) throw new Error(`bundle-worker.mjs failed:\n${bundled.stderr}`);
      const wasmModules = JSON.parse(bundled.stdout) as string[];
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      const modules = [`(name = "worker.js", esModule = embed "worker.js")`, ...wasmModules.map((m) => `(name = "${m}", wasm = embed "${m}")`)];
      await writeFile(
        join(dir, 'worker-dist', 'config.capnp'),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(', ')}],
  compatibilityDate = "2026-06-01",
  compatibilityFlags = ["nodejs_compat"],
);
`,
      );
      workerd = spawn(binaries.workerd(), ['serve', 'config.capnp'], { cwd: join(dir, 'worker-dist'), stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      workerd.stdout!.on('data', (d: Buffer) => (log += String(d)));
      workerd.stderr!.on('data', (d: Buffer) => (log += String(d)));
      await waitForHttp(origin, workerd, () => log, 20_000);
    });
    afterAll(() => {
      workerd?.kill();
    });

    const post = async (path: string, body: unknown): Promise<unknown> => {
      const res = await fetch(`${origin}${path}`, { method: 'POST', body: JSON.stringify(body) });
      const json = (await res.json()) as unknown;
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    test('the smoke suite with wasm: { module } and a memory:// snapshot; the default model says why it cannot run', async () => {
      const out = (await (await fetch(`${origin}/smoke`)).json()) as Smoke;
      expectSmoke(out);
      expect(out.textError).toMatch(/^ModelLoadError: .*default model wordnet-256 cannot be located.*pass your own embedder/);
    });

    test('inserting and searching over HTTP: nearest = brute force, filters hold', async () => {
      const vectors = Array.from({ length: 40 }, (_, i) => [Math.cos(i), Math.sin(i), Math.cos(2 * i), (i % 5) / 5 + 0.1]);
      expect(await post('/insert', vectors.map((vector, i) => ({ id: `p${i}`, vector, metadata: { odd: i % 2 === 1 } })))).toEqual({ size: 40 });
      const cosine = (a: number[], b: number[]): number => {
        const dot = a.reduce((s, x, j) => s + x * b[j]!, 0);
        return dot / Math.hypot(...a) / Math.hypot(...b);
      };
      for (const q of [[1, 0, 0, 0.2], [0, 1, 0.5, 0.9], [-0.3, 0.2, 1, 0.1]]) {
        const ranked = vectors.map((v, i) => ({ i, s: cosine(q, v) })).sort((a, b) => b.s - a.s);
        const hits = (await post('/search', { vector: q, k: 3 })) as { id: string; score: number }[];
        expect(hits.map((h) => h.id)).toEqual(ranked.slice(0, 3).map((r) => `p${r.i}`));
        hits.forEach((h, j) => expect(h.score).toBeCloseTo(ranked[j]!.s, 4));
        const odd = (await post('/search', { vector: q, k: 3, filter: { odd: true } })) as { id: string }[];
        expect(odd.map((h) => h.id)).toEqual(ranked.filter((r) => r.i % 2 === 1).slice(0, 3).map((r) => `p${r.i}`));
      }
    });
  });
});
