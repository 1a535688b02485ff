/**
 * The parallel build (`threads` option) in Node: the threaded core loads and
 * really starts its threads, insertMany through it reaches the recall of the
 * single-thread build against brute force (and every record stays findable,
 * saved and reopened), bad values are refused, and where threads cannot run
 * (a caller-given wasm source) the logger warns and one thread is used.
 * The browser side (cross-origin isolated or not): tests/browser/parallel-build.test.ts.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, type OpenProgress } from 'minivectordb';
import { CoreIndex } from '../../dist/wasm/core-index.js';
import { loadCoreFor } from '../../dist/wasm/load-threads.js';
import { bruteForceKnn, caught, randomVectors, recallAtK, tempDir } from './helpers.js';

function recordingLogger(): { warnings: string[]; logger: { debug(): void; info(): void; warn(m: string): void; error(m: string): void } } {
  const warnings: string[] = [];
  return { warnings, logger: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) } };
}

const dim = 24;
const n = 3000;
const queries = 60;
// Uniform vectors searched at efSearch 10: recall well below 1, so a worse graph shows.
const data = randomVectors(n + queries, dim, 2201);
const base = data.slice(0, n);
const held = data.slice(n);
const truth = held.map((q) => bruteForceKnn(base, q, 10, 'l2').map((h) => String(h.index)));

async function meanRecall(db: MiniVectorDB): Promise<number> {
  let sum = 0;
  for (let q = 0; q < queries; q++) {
    const got = await db.search(held[q]!, { k: 10, efSearch: 10 });
    sum += recallAtK(
      got.map((r) => r.id),
      truth[q]!,
    );
  }
  return sum / queries;
}

async function build(threads: number | 'auto' | undefined): Promise<{ db: MiniVectorDB; warnings: string[] }> {
  const { warnings, logger } = recordingLogger();
  const db = await MiniVectorDB.create({ dim, metric: 'l2', seed: 7, logger, ...(threads === undefined ? {} : { threads }) });
  await db.insertMany(base.map((vector, i) => ({ id: String(i), vector })));
  return { db, warnings };
}

describe('parallel build (threads) in Node', () => {
  test('the threaded core starts its threads: an add of 2,000 vectors is linked by 2', async () => {
    const { warnings, logger } = recordingLogger();
    const { mod, threads } = await loadCoreFor(undefined, logger, 2);
    expect(mod.kThreads).toBe(true);
    expect(threads).toBe(2);
    const core = CoreIndex.create(mod, { dim, metric: 'l2', M: 16, efConstruction: 100, efSearch: 64, seed: 1, quantization: 'none', rerank: 4, keepFloat: true });
    try {
      core.setBuildThreads(threads);
      const flat = new Float32Array(2000 * dim);
      base.slice(0, 2000).forEach((v, i) => flat.set(v, i * dim));
      core.add(flat, 2000);
      expect(core.lastBuildThreads()).toBe(2);
    } finally {
      core.dispose();
    }
    expect(warnings).toEqual([]);
    // One thread stays on the single-thread core.
    expect((await loadCoreFor(undefined, logger, 1)).mod.kThreads).toBe(false);
  });

  test('insertMany with threads: 2 reaches the single-thread recall; every record found, also after save and open', async () => {
    const serial = await build(undefined);
    const parallel = await build(2);
    try {
      expect(parallel.warnings).toEqual([]);
      const rs = await meanRecall(serial.db);
      const rp = await meanRecall(parallel.db);
      expect(rs).toBeGreaterThan(0.8); // the data is not trivially easy...
      expect(rs).toBeLessThan(0.995); // ...nor saturated, so a worse graph would show
      expect(rp).toBeGreaterThanOrEqual(rs - 0.02);
      // Every stored vector finds its own record first (the graph reaches every node).
      let self = 0;
      for (let i = 0; i < n; i += 7) self += (await parallel.db.search(base[i]!, { k: 1 }))[0]?.id === String(i) ? 1 : 0;
      expect(self).toBe(Math.ceil(n / 7));
      const bytes = await parallel.db.serialize();
      const reopened = await MiniVectorDB.deserialize(bytes, { threads: 2 });
      try {
        expect(reopened.size).toBe(n);
        expect(await meanRecall(reopened)).toBe(rp);
        // A second batch into the reopened (built) graph, on threads again.
        await reopened.insertMany(held.map((vector, i) => ({ id: `q${i}`, vector })));
        for (let q = 0; q < queries; q++) expect((await reopened.search(held[q]!, { k: 1 }))[0]?.id).toBe(`q${q}`);
      } finally {
        await reopened.close();
      }
    } finally {
      await serial.db.close();
      await parallel.db.close();
    }
  });

  test('open of a saved file with threads (streamed into the heap, with progress) keeps the graph and links on threads after', async () => {
    const tmp = await tempDir();
    try {
      const url = tmp.url('threads.mvdb');
      const { warnings, logger } = recordingLogger();
      const writer = await MiniVectorDB.create({ dim, metric: 'l2', seed: 7, logger, storage: url, threads: 2 });
      await writer.insertMany(base.map((vector, i) => ({ id: String(i), vector })));
      await writer.save(); // a checkpoint holds the graph: the open reads it rather than replaying a log
      const saved = await meanRecall(writer);
      await writer.close();
      const size = (await stat(fileURLToPath(url))).size;
      const events: OpenProgress[] = [];
      // 64 threads asked: more than the pool of the threaded core loaded in this process, so its
      // loader says so at debug — the open went through the threaded core's loader.
      const debug: string[] = [];
      const openLogger = { ...logger, debug: (m: string) => debug.push(m) };
      const db = await MiniVectorDB.open(url, { threads: 64, logger: openLogger, logLevel: 'debug', onProgress: (e) => events.push(e) });
      try {
        expect(events[0]).toEqual({ phase: 'read', done: size, total: size });
        expect(debug.some((m) => /^\[minivectordb\] threads: 64 requested; the threaded core's pool has \d+ workers/.test(m))).toBe(true);
        expect(db.size).toBe(n);
        expect(await meanRecall(db)).toBe(saved); // the same graph, read back
        await db.insertMany(held.map((vector, i) => ({ id: `q${i}`, vector })));
        for (let q = 0; q < queries; q++) expect((await db.search(held[q]!, { k: 1 }))[0]?.id).toBe(`q${q}`);
      } finally {
        await db.close();
      }
      expect(warnings).toEqual([]); // the threaded core loaded for both: no fallback to one thread
    } finally {
      await tmp.cleanup();
    }
  });

  test("threads: 'auto' and 1 are accepted; other values are refused with InvalidArgumentError", async () => {
    const auto = await build('auto');
    expect(auto.warnings).toEqual([]);
    expect(auto.db.size).toBe(n);
    await auto.db.close();
    for (const bad of [0, -1, 1.5, 65, '2', 'all', null]) {
      const e = await caught(() => MiniVectorDB.create({ dim, threads: bad as never }), InvalidArgumentError);
      expect(e.message).toContain("threads must be 'auto' or an integer in [1, 64]");
    }
    await caught(() => MiniVectorDB.open('memory://nothing-here', { threads: 0 }), InvalidArgumentError);
  });

  test('a caller-given wasm source (the single-thread core) falls back to one thread with a warning', async () => {
    const binary = await readFile(new URL('../../dist/wasm/minivectordb_core.wasm', import.meta.url));
    const { warnings, logger } = recordingLogger();
    const { mod, threads } = await loadCoreFor({ binary }, logger, 2);
    expect(threads).toBe(1);
    expect(mod.kThreads).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/threads: 2 requested, but the wasm option names the single-thread core.*building on one thread/);
  });
});
