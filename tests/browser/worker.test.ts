/**
 * The database in a module Web Worker (MiniVectorDB.createInWorker) in
 * Chromium: answers equal a main-thread instance's and the brute force,
 * typed errors cross, idb:// snapshots saved in a worker open in a worker
 * and on the page, and the page keeps running while a worker inserts.
 */
import { describe, expect, test } from 'vitest';
import { hasChromium, SKIP_REASON, spec, useTestApp } from './harness.js';

type Hits = { id: string; distance: number }[];
interface Answers {
  hnsw: Hits[];
  exact: Hits[];
  filtered: Hits[];
  batch: Hits[];
  count: number;
  odd: number;
  get: { id: string; vector: number[]; metadata: unknown };
}
interface VectorsResult {
  inserted: { inserted: number; updated: number };
  progress: [number, number, string][];
  callerVectorLength: number;
  worker: Answers;
  main: Answers;
  truth: Hits[];
  dimMetric: [number, string];
  text: { progress: [number, number, string][]; dim: number; worker: { id: string; score: number }[]; main: { id: string; score: number }[]; stored: string };
}
interface Failure {
  threw: boolean;
  name?: string;
  /** `name` of a local instance of the expected class (minifiers rename classes). */
  code?: string;
  isClass?: boolean;
  isBase?: boolean;
  expected?: number;
  actual?: number;
  message?: string;
}
interface Timing {
  ticks: number;
  ms: number;
  maxGapMs: number;
  progressCalls: number;
  count: number;
}

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: database in a module Worker' : `Chromium: database in a module Worker (${SKIP_REASON})`, () => {
  const app = useTestApp();

  test('vectors and texts: the worker answers as a main-thread instance; exact search = brute force', async () => {
    const r = await spec<VectorsResult>(app.browser.page, 'workerVectors');
    expect(r.inserted).toEqual({ inserted: 1500, updated: 0 });
    expect(r.progress).toEqual([
      [1024, 1500, 'insert'],
      [1500, 1500, 'insert'],
    ]);
    expect(r.callerVectorLength).toBe(32); // the caller's Float32Array was copied, not detached
    expect(r.dimMetric).toEqual([32, 'l2']);
    expect(r.worker).toEqual(r.main);
    expect(r.worker.count).toBe(1500);
    expect(r.worker.odd).toBe(750);
    r.truth.forEach((truth, q) => {
      expect(r.worker.exact[q]!.map((h) => h.id)).toEqual(truth.map((h) => h.id));
      r.worker.exact[q]!.forEach((h, i) => expect(h.distance).toBeCloseTo(truth[i]!.distance, 4));
    });
    expect(r.worker.filtered.flat().every((h) => Number(h.id.slice(1)) % 2 === 1)).toBe(true);
    expect(r.text.dim).toBe(256);
    expect(r.text.progress.some(([, , phase]) => phase === 'embed')).toBe(true);
    expect(r.text.progress.at(-1)).toEqual([5, 5, 'insert']);
    expect(r.text.worker.map((h) => h.id)).toEqual(r.text.main.map((h) => h.id));
    r.text.worker.forEach((h, i) => expect(h.score).toBeCloseTo(r.text.main[i]!.score, 5));
    expect(r.text.worker[0]!.id).toBe('bike');
    expect(r.text.stored).toBe('repairing a bike');
    expect(app.browser.errors).toEqual([]);
    expect(app.browser.offsite).toEqual([]);
  });

  test('errors thrown in the worker arrive with their class, code and fields', async () => {
    const r = await spec<Record<string, Failure> & { count: number }>(app.browser.page, 'workerErrors');
    expect(r.dimension).toMatchObject({ threw: true, code: 'DIMENSION_MISMATCH', isClass: true, isBase: true, expected: 4, actual: 3 });
    const expectations: [string, string, string][] = [
      ['dimension', 'DIMENSION_MISMATCH', 'DimensionMismatchError'],
      ['nan', 'INVALID_ARGUMENT', 'InvalidArgumentError'],
      ['k', 'INVALID_ARGUMENT', 'InvalidArgumentError'],
      ['badFilter', 'INVALID_ARGUMENT', 'InvalidArgumentError'],
      ['uncloneable', 'INVALID_ARGUMENT', 'InvalidArgumentError'],
      ['storage', 'STORAGE', 'StorageError'],
      ['openMissing', 'STORAGE', 'StorageError'],
      ['logger', 'INVALID_ARGUMENT', 'InvalidArgumentError'],
      ['badOption', 'INVALID_ARGUMENT', 'InvalidArgumentError'],
      ['closed', 'CLOSED', 'ClosedError'],
    ];
    for (const [key, code, name] of expectations) {
      expect(r[key], key).toMatchObject({ threw: true, code, isClass: true, isBase: true });
      expect(r[key]!.name, key).toBe(name); // literal, even in the minified page and worker bundles
    }
    expect(r.nan!.message).toMatch(/non-finite/);
    // A worker script that does not load rejects (instead of hanging) with a MiniVectorDBError.
    expect(r.missingWorker).toMatchObject({ threw: true, code: 'INTERNAL', isClass: true });
    expect(r.missingWorker!.message).toMatch(/database worker failed/);
    expect(r.count).toBe(1); // failed calls changed nothing
  });

  test('a worker the page started itself (a script importing minivectordb/worker-host), passed as { worker }', async () => {
    const r = await spec<{ hits: Hits[]; truth: Hits[]; error: Failure }>(app.browser.page, 'ownWorker');
    expect(r.hits.map((h) => h.map((x) => x.id))).toEqual(r.truth.map((h) => h.map((x) => x.id)));
    expect(r.error).toMatchObject({ threw: true, code: 'DIMENSION_MISMATCH', isClass: true, expected: 32, actual: 2 });
  });

  test('idb:// saved in a worker, page reloaded: opened in a worker and on the page, same answers', async () => {
    const { page } = app.browser;
    const saved = await spec<{ results: Hits[]; saved: string[] }>(page, 'idbSave', 'e2e-worker', true);
    expect(saved.saved).toContain('idb://e2e-worker');
    expect(saved.results.flat().some((h) => h.id === 'v3')).toBe(false);
    await page.reload();
    await page.waitForFunction('window.specsReady === true');
    for (const inWorker of [true, false]) {
      const opened = await spec<{ results: Hits[]; size: number; hasDeleted: boolean }>(page, 'idbOpen', 'e2e-worker', inWorker);
      expect(opened.size).toBe(1999);
      expect(opened.hasDeleted).toBe(false);
      expect(opened.results).toEqual(saved.results);
    }
  });

  test('an onProgress that throws never aborts insertMany, in the worker as on the page; a worker that never answers → TimeoutError', async () => {
    const r = await spec<{ results: unknown[]; counts: number[]; timeout: Failure & { timeoutMs?: number; waitedMs?: number } }>(app.browser.page, 'robustness');
    expect(r.results).toEqual([
      { inserted: 1500, updated: 0 },
      { inserted: 1500, updated: 0 },
    ]);
    expect(r.counts).toEqual([1500, 1500]);
    expect(r.timeout).toMatchObject({ threw: true, isClass: true, name: 'TimeoutError', code: 'TIMEOUT', timeoutMs: 300 });
    expect(r.timeout.waitedMs).toBeGreaterThanOrEqual(290);
    expect(r.timeout.waitedMs).toBeLessThan(5000);
  });

  test('the page keeps running while the worker inserts 20,000 vectors (and does not on the main thread)', async () => {
    const r = await spec<{ worker: Timing; main: Timing }>(app.browser.page, 'responsiveness', 20_000);
    console.log(
      `insertMany(20,000 × 32-d): in a worker ${r.worker.ms.toFixed(0)} ms, ${r.worker.ticks} timer ticks, longest gap ${r.worker.maxGapMs.toFixed(0)} ms; ` +
        `on the page ${r.main.ms.toFixed(0)} ms, ${r.main.ticks} ticks, longest gap ${r.main.maxGapMs.toFixed(0)} ms`,
    );
    expect(r.worker.count).toBe(20_000);
    expect(r.main.count).toBe(20_000);
    expect(r.worker.progressCalls).toBe(Math.ceil(20_000 / 1024));
    // The 10 ms timer ran throughout the worker's insert…
    expect(r.worker.ticks).toBeGreaterThanOrEqual(10);
    // …while the same insert on the page is one task: no timer can run during it.
    expect(r.main.ticks).toBeLessThanOrEqual(1);
    expect(app.browser.errors).toEqual([]);
  });

  test('AbortSignal through the worker: an aborted insertMany keeps nothing (nor in the log); compact and open aborted; save and open progress', async () => {
    const r = await spec<{
      isReason: boolean;
      isDOMException: boolean;
      name: string;
      done: number[];
      count: number;
      n0: boolean;
      compact: string;
      deletedAfterAbort: number;
      deletedBefore: number;
      saveLast: { phase: string; done: number; total: number };
      compacted: number;
      reopenedCount: number;
      openPhases: string[];
      openAborted: string;
      againCount: number;
    }>(app.browser.page, 'workerAbort');
    expect(r.isReason).toBe(true);
    expect(r.isDOMException).toBe(true);
    expect(r.name).toBe('AbortError');
    expect(r.done[0]).toBe(1024);
    expect(r.done.at(-1)!).toBeLessThan(16384);
    expect(r.count).toBe(9);
    expect(r.n0).toBe(true);
    expect(r.compact).toBe('aborted');
    expect(r.deletedBefore).toBeGreaterThanOrEqual(1024);
    expect(r.deletedAfterAbort).toBe(r.deletedBefore);
    expect(r.saveLast.phase).toBe('write');
    expect(r.saveLast.done).toBe(r.saveLast.total);
    expect(r.saveLast.total).toBeGreaterThan(0);
    expect(r.compacted).toBe(r.deletedBefore);
    expect(r.reopenedCount).toBe(9);
    expect(r.openPhases[0]).toBe('read');
    expect(r.openAborted).toBe('aborted');
    expect(r.againCount).toBe(9);
    expect(app.browser.errors).toEqual([]);
  });
});
