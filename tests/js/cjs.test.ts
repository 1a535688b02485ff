/** The CommonJS entry: require('minivectordb') from a plain Node process. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const script = `
const m = require('minivectordb');
const { MiniVectorDB, InvalidArgumentError, MiniVectorDBError } = m;
(async () => {
  const db = await MiniVectorDB.create({ dim: 3, metric: 'cosine' });
  await db.insertMany([
    { id: 'x', vector: [1, 0, 0], metadata: { axis: 'x' } },
    { id: 'y', vector: [0, 2, 0], metadata: { axis: 'y' } },
    { id: 'z', vector: [0, 0, 3] },
  ]);
  const hits = await db.search([0.1, 1, 0], { k: 2 });
  let errorOk = false;
  try { await db.search([1, 2]); } catch (e) { errorOk = e instanceof MiniVectorDBError && e.code === 'DIMENSION_MISMATCH'; }
  let invalidOk = false;
  try { await db.search([1, 0, 0], { k: 0 }); } catch (e) { invalidOk = e instanceof InvalidArgumentError; }
  const size = db.size;
  await db.close();
  process.stdout.write(JSON.stringify({ exports: Object.keys(m).sort(), size, hits, errorOk, invalidOk }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('require() works and gives the same behaviour as the ESM entry', () => {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as {
    exports: string[];
    size: number;
    hits: { id: string; distance: number; score: number; metadata?: unknown }[];
    errorOk: boolean;
    invalidOk: boolean;
  };
  expect(out.exports).toEqual(
    expect.arrayContaining(['ClosedError', 'DimensionMismatchError', 'InvalidArgumentError', 'MiniVectorDB', 'MiniVectorDBError', 'OutOfMemoryError', 'SnapshotError', 'StorageError']),
  );
  expect(out.size).toBe(3);
  expect(out.hits.map((h) => h.id)).toEqual(['y', 'x']);
  // cosine(q, y) with q = (0.1, 1, 0): 1/sqrt(1.01); cosine(q, x) = 0.1/sqrt(1.01).
  const cosY = 1 / Math.sqrt(1.01);
  const cosX = 0.1 / Math.sqrt(1.01);
  expect(Math.abs(out.hits[0]!.score - cosY)).toBeLessThan(1e-6);
  expect(Math.abs(out.hits[1]!.score - cosX)).toBeLessThan(1e-6);
  expect(Math.abs(out.hits[0]!.distance - (1 - cosY))).toBeLessThan(1e-6);
  expect(out.hits[0]!.metadata).toEqual({ axis: 'y' });
  expect(out.errorOk).toBe(true);
  expect(out.invalidOk).toBe(true);
});

test('require.resolve() gives dist/index.cjs and import() loads the ESM entry', () => {
  const r = spawnSync(
    process.execPath,
    ['-e', "console.log(require.resolve('minivectordb')); import('minivectordb').then((m) => console.log(typeof m.MiniVectorDB.create))"],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status).toBe(0);
  const [cjsPath, esmType] = r.stdout.trim().split('\n');
  expect(cjsPath).toBe(join(root, 'dist', 'index.cjs'));
  expect(esmType).toBe('function');
});
