/**
 * One VectorDatabase interface, two implementations: the page class
 * (MiniVectorDB) and the worker proxy (WorkerMiniVectorDB, from
 * minivectordb/worker). Their members are the method table's plus the
 * members answered on the page, checked on the real objects; `size` and
 * `stats()` are synchronous on both and agree after the same calls; the main
 * entry does not load Comlink until a worker is asked for.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClosedError, MiniVectorDB, type Stats } from 'minivectordb';
import { createInWorker, openInWorker, type WorkerMiniVectorDB } from 'minivectordb/worker';
import { LOCAL_MEMBERS, METHODS } from '../../dist/worker/methods.js';
import { caught, randomVectors } from './helpers.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const DIM = 8;

/** The members of a prototype chain below Object.prototype, except the constructor and JS-private ones. */
function membersOf(obj: object): (string | symbol)[] {
  const names = new Set<string | symbol>();
  for (let p = Object.getPrototypeOf(obj) as object | null; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const key of Reflect.ownKeys(p)) if (key !== 'constructor') names.add(key);
  }
  return [...names];
}
const sorted = (keys: Iterable<string | symbol>) => [...keys].map(String).sort();

describe('one interface: page and worker', () => {
  let page: MiniVectorDB;
  let worker: WorkerMiniVectorDB;
  beforeAll(async () => {
    // No slot reuse, so every replaced or deleted record stays a tombstone until compact().
    page = await MiniVectorDB.create({ dim: DIM, seed: 7, reuseDeleted: false });
    worker = await createInWorker({ dim: DIM, seed: 7, reuseDeleted: false });
  });
  afterAll(async () => {
    await page.close();
    await worker.close();
  });

  test('the method table and the local members are exactly the page class’s members', () => {
    const table = [...Object.keys(METHODS), ...LOCAL_MEMBERS, Symbol.asyncDispose];
    expect(new Set(table).size).toBe(table.length); // no member in both lists
    expect(sorted(table)).toEqual(sorted(membersOf(page)));
  });

  test('every member of the page database exists on the worker database and vice versa, of the same kind', () => {
    const pageMembers = sorted(membersOf(page));
    expect(sorted(membersOf(worker))).toEqual(pageMembers);
    for (const key of [...membersOf(page), ...membersOf(worker)]) {
      const a = (page as unknown as Record<string | symbol, unknown>)[key];
      const b = (worker as unknown as Record<string | symbol, unknown>)[key];
      expect(typeof b, String(key)).toBe(typeof a);
    }
    expect(worker.dim).toBe(page.dim);
    expect(worker.metric).toBe(page.metric);
  });

  test('size and stats() are synchronous on both and agree after the same writes (and with the count of ids written)', async () => {
    const data = randomVectors(300, DIM, 3);
    const live = new Set<string>();
    const both = async (f: (db: MiniVectorDB | WorkerMiniVectorDB) => Promise<unknown>) => {
      await f(page);
      await f(worker);
      const [ps, ws] = [page.stats(), worker.stats()];
      expect(ws).not.toBeInstanceOf(Promise);
      expect(typeof worker.size).toBe('number');
      expect(worker.size).toBe(page.size);
      expect(page.size).toBe(live.size);
      expect(ws).toEqual(ps);
      return ws;
    };
    expect(worker.stats()).toEqual(page.stats()); // as created
    for (let i = 0; i < 200; i++) live.add(`v${i}`);
    await both((db) => db.insertMany(data.slice(0, 200).map((vector, i) => ({ id: `v${i}`, vector }))));
    expect(page.size).toBe(200);
    await both((db) => db.insert({ id: 'v0', vector: data[250]! })); // upsert: a tombstone, same size
    for (const id of ['v1', 'v2', 'v3']) live.delete(id);
    await both((db) => db.deleteMany(['v1', 'v2', 'v3', 'nope']));
    live.delete('v4');
    await both((db) => db.delete('v4'));
    await both((db) => db.update('v5', { vector: data[260]! }));
    const beforeCompact: Stats = await both((db) => db.search(data[7]!, { k: 5 }));
    expect(beforeCompact.deleted).toBe(6); // 1 upsert + 3 + 1 deletes + 1 update
    const after = await both((db) => db.compact());
    expect(after.deleted).toBe(0);
    expect(after.count).toBe(live.size);
  });

  test('after close, size and stats() throw ClosedError on both', async () => {
    const p = await MiniVectorDB.create({ dim: 2 });
    const w = await createInWorker({ dim: 2 });
    await p.close();
    await w.close();
    for (const db of [p, w]) {
      await caught(() => db.size, ClosedError);
      await caught(() => db.stats(), ClosedError);
    }
  });
});

describe('the worker entry and the main entry', () => {
  test('MiniVectorDB.createInWorker / openInWorker still work and give the class of minivectordb/worker', async () => {
    const a = await MiniVectorDB.createInWorker({ dim: 2, storage: 'memory://interface-compat' });
    const b = await createInWorker({ dim: 2 });
    try {
      expect(a.constructor).toBe(b.constructor);
      await a.insert({ id: 'x', vector: [1, 2] });
      await a.save();
      expect(a.size).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
    // memory:// is per thread: the worker that saved it is gone, so opening it elsewhere fails the same way through both doors.
    const viaClass = await MiniVectorDB.openInWorker('memory://interface-compat').then(() => 'opened', (e: Error) => e.name);
    const viaEntry = await openInWorker('memory://interface-compat').then(() => 'opened', (e: Error) => e.name);
    expect(viaClass).toBe(viaEntry);
  });

  test('the main entry (dist/index.js) does not import comlink statically; the worker factory does, behind a dynamic import()', async () => {
    const result = await build({
      entryPoints: [join(root, 'dist', 'index.js')],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      write: false,
      metafile: true,
      outdir: join(root, 'build', 'metafile-check'),
      logLevel: 'silent',
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint !== undefined)!;
    // Every chunk the entry loads before it runs: static imports, transitively.
    const eager = new Set<string>([entry]);
    for (const o of eager) for (const imp of outputs[o]!.imports) if (imp.kind === 'import-statement' && !imp.external) eager.add(imp.path);
    const importsComlink = (o: string) => outputs[o]!.imports.some((imp) => imp.external && /^comlink(\/|$)/.test(imp.path));
    expect([...eager].filter(importsComlink)).toEqual([]);
    // Not vacuous: Comlink is in a chunk reached only through import().
    expect(Object.keys(outputs).filter((o) => !eager.has(o) && importsComlink(o)).length).toBeGreaterThan(0);
  });
});
