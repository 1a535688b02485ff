/**
 * The database worker's module graph (dist/worker/worker-entry.js and every
 * module it imports, statically or with import()) must not reach
 * dist/worker/spawn.js, whose new Worker(new URL('…/worker-entry.js',
 * import.meta.url)) names the worker itself: bundlers see a worker that can
 * spawn itself, and Turbopack's `next build` deadlocks on it
 * (vercel/next.js#97399; see js/src/worker/factory-loader.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const dist = resolve(fileURLToPath(new URL('../../dist', import.meta.url)));

/** Relative specifiers of static imports/re-exports and of import() with a string literal. */
function relativeImports(file: string): string[] {
  // Without comments (docstrings quote import() calls; /* webpackIgnore */ sits inside some).
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [...code.matchAll(/\bfrom\s*'(\.[^']+)'|\bimport\s*'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs.map((s) => resolve(dirname(file), s));
}

/** Every dist module reachable from `entry`, with the path that reached it. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of relativeImports(file)) {
      if (seen.has(next)) continue;
      seen.set(next, [...seen.get(file)!, next]);
      queue.push(next);
    }
  }
  return seen;
}

const spawn = join(dist, 'worker/spawn.js');
const show = (path: string[] | undefined): string => (path ?? []).map((f) => relative(dist, f)).join(' → ');

describe('the worker never reaches the code that spawns it', () => {
  test('the main entry reaches spawn.js (the walk follows import() and re-exports)', () => {
    expect(reachable(join(dist, 'index.js')).has(spawn)).toBe(true);
  });

  test('worker-entry.js does not reach spawn.js', () => {
    const fromWorker = reachable(join(dist, 'worker/worker-entry.js'));
    expect(fromWorker.has(join(dist, 'minivectordb.js'))).toBe(true); // the host runs the database class
    expect(fromWorker.has(spawn), show(fromWorker.get(spawn))).toBe(false);
  });

  test('inside the worker createInWorker is refused with a typed error; through the package entry it works', async () => {
    const { MiniVectorDB: WorkerSideClass } = (await import(join(dist, 'minivectordb.js'))) as typeof import('minivectordb');
    await expect(WorkerSideClass.createInWorker({ dim: 2 })).rejects.toMatchObject({ name: 'MiniVectorDBError', code: 'INTERNAL' });
    const { MiniVectorDB } = await import('minivectordb');
    expect(MiniVectorDB).toBe(WorkerSideClass); // one class: the entry only wires the loader
    const db = await MiniVectorDB.createInWorker({ dim: 2, metric: 'l2' });
    try {
      await db.insertMany([{ id: 'a', vector: [0, 0] }, { id: 'b', vector: [1, 1] }]);
      expect((await db.search([0.9, 0.8], { k: 1, exact: true }))[0]?.id).toBe('b');
    } finally {
      await db.close();
    }
  });
});
