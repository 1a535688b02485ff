/**
 * The write-ahead log: every acknowledged write survives without save(), for
 * memory://, file:// and idb:// (fake-indexeddb); torn and corrupt tails are
 * dropped with a typed warning; replay equals an independent reference;
 * durability modes; close() waits for un-awaited calls and rejects when it
 * cannot persist. Crash trials with SIGKILL are in wal-crash.test.ts.
 */
import 'fake-indexeddb/auto';
import { copyFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, StorageError, type Logger } from 'minivectordb';
import { applyTo, differences, Reference, workload } from '../shared/wal-workload.mjs';
import { caught, randomVectors, tempDir } from './helpers.js';

const DIM = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps the structured argument of every warning. */
function recorder(): { logger: Logger; warnings: { message: string; detail: unknown }[] } {
  const warnings: { message: string; detail: unknown }[] = [];
  const noop = () => undefined;
  return { warnings, logger: { debug: noop, info: noop, error: noop, warn: (message: string, detail?: unknown) => void warnings.push({ message, detail }) } };
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('acknowledged writes survive without save()', () => {
  const targets = [
    ['memory://', () => `memory://wal-${Math.random().toString(36).slice(2)}`],
    ['file://', () => tmp.url(`wal-${Math.random().toString(36).slice(2)}.mvdb`)],
    ['idb://', () => `idb://wal-${Math.random().toString(36).slice(2)}`],
  ] as const;

  for (const [scheme, fresh] of targets) {
    test(`${scheme}: a mixed workload, reopened without close() or save(), equals the reference (strict)`, async () => {
      const url = fresh();
      const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8, efConstruction: 40 });
      const ops = workload(7, 120, DIM, { saves: false });
      for (const op of ops) await applyTo(db, op);
      const ref = Reference.after(ops);
      expect(await differences(db, ref)).toEqual([]); // the reference model itself agrees with the live database
      // A second instance on the same storage, as after a crash of the first: no close(), no save().
      const reopened = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
      expect(await differences(reopened, ref)).toEqual([]);
      await reopened.close();
      await db.close();
    });

    test(`${scheme}: with the default options, writes are durable within the group-commit delay, without save()`, async () => {
      const url = fresh();
      const db = await MiniVectorDB.create({ dim: DIM, storage: url });
      const v = randomVectors(3, DIM, 5);
      await db.insert({ id: 'a', vector: v[0]!, metadata: { x: 1 } });
      await db.insert({ id: 'b', vector: v[1]! });
      await db.update('a', { metadata: { x: 2 } });
      await sleep(250); // > 50 ms group commit
      const again = await MiniVectorDB.open(url, { logLevel: 'silent', lock: 'readonly' }); // the first instance is neither closed nor saved (it holds the write lock)
      expect(again.size).toBe(2);
      expect((await again.get('a'))?.metadata).toEqual({ x: 2 });
      expect((await again.get('b'))?.vector).toEqual(v[1]);
      await again.close();
      await db.close();
    });

    test(`${scheme}: flush() makes relaxed writes durable at once`, async () => {
      const url = fresh();
      const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'relaxed' });
      const v = randomVectors(2, DIM, 6);
      await db.insert({ id: 'a', vector: v[0]! });
      await db.insert({ id: 'b', vector: v[1]! });
      await db.flush();
      const again = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
      expect((await again.get('b'))?.vector).toEqual(v[1]);
      await again.close();
      await db.close();
    });
  }

  // Writes that land while a group commit's append is still on its way to
  // disk must go out with the next append, not be dropped with the first
  // one's list (they once were: a worker lost ~150 of 700 relaxed inserts).
  for (const [where, make] of [
    ['page', (url: string) => MiniVectorDB.create({ dim: DIM, storage: url, durability: 'relaxed', M: 8, efConstruction: 16 })],
    ['worker', (url: string) => MiniVectorDB.createInWorker({ dim: DIM, storage: url, durability: 'relaxed', M: 8, efConstruction: 16 })],
  ] as const) {
    test(`${where}: writes made during a group commit's append are durable after flush()`, async () => {
      const url = tmp.url(`overlap-${where}.mvdb`);
      const db = await make(url);
      const n = 400;
      const v = randomVectors(n, DIM, 11);
      for (let i = 0; i < n; i++) {
        await db.insert({ id: `r${i}`, vector: v[i]!, metadata: { i } });
        // Yield to timers now and then: the 50 ms group commit fires mid-loop
        // and its append is on its way to disk while the next inserts run.
        if (i % 10 === 0) await sleep(2);
      }
      await db.flush();
      const reader = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
      expect(await reader.count()).toBe(n);
      expect((await reader.get(`r${n - 1}`))?.vector).toEqual(v[n - 1]);
      await reader.close();
      await db.close();
    });
  }

  test('a checkpoint (save) truncates the log; later records replay over it', async () => {
    const url = tmp.url('ckpt.mvdb');
    const wal = `${fileURLToPath(url)}-wal`;
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict' });
    const v = randomVectors(4, DIM, 9);
    for (let i = 0; i < 3; i++) await db.insert({ id: `k${i}`, vector: v[i]! });
    expect((await stat(wal)).size).toBeGreaterThan(0);
    await db.save();
    expect((await stat(wal)).size).toBe(0);
    await db.delete('k0');
    await db.insert({ id: 'k3', vector: v[3]! });
    const again = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
    expect((await again.count())).toBe(3);
    expect(await again.get('k0')).toBeUndefined();
    expect((await again.get('k3'))?.vector).toEqual(v[3]);
    await again.close();
    await db.close();
    expect((await stat(wal)).size).toBe(0); // close() checkpointed
  });

  test('a bulk insert over 16 MB of vectors writes a checkpoint instead of a log record', async () => {
    const url = tmp.url('bulk.mvdb');
    const wal = `${fileURLToPath(url)}-wal`;
    const dim = 1024;
    const db = await MiniVectorDB.create({ dim, storage: url, durability: 'strict', M: 4, efConstruction: 8 });
    await db.insert({ id: 'first', vector: randomVectors(1, dim, 1)[0]! });
    await db.insert({ id: 'second', vector: randomVectors(1, dim, 2)[0]! });
    expect((await stat(wal)).size).toBeGreaterThan(dim * 4); // a record
    const n = 4200; // 4200 · 1024 · 4 bytes > 16 MiB
    const rows = randomVectors(n, dim, 3);
    await db.insertMany(rows.map((vector, i) => ({ id: `b${i}`, vector })));
    expect((await stat(wal)).size).toBe(0); // checkpointed, log emptied
    expect((await stat(fileURLToPath(url))).size).toBeGreaterThan(n * dim * 4);
    const again = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
    expect(again.size).toBe(n + 2);
    expect((await again.get(`b${n - 1}`))?.vector).toEqual(rows[n - 1]);
    await again.close();
    await db.close();
  });

  test('a snapshot saved over a URL does not replay a log another database left there', async () => {
    const src = tmp.url('crashed.mvdb');
    const url = tmp.url('replaced.mvdb');
    const v = randomVectors(4, DIM, 21);
    const a = await MiniVectorDB.create({ dim: DIM, storage: src, durability: 'strict' });
    await a.insert({ id: 'a0', vector: v[0]! });
    await a.insert({ id: 'a1', vector: v[1]! }); // in a's log; a is left open, as if it had crashed
    // The log a crashed database leaves, beside the URL another database is saved to (one writer
    // per URL at a time: a must no longer hold it).
    await copyFile(`${fileURLToPath(src)}-wal`, `${fileURLToPath(url)}-wal`);
    const b = await MiniVectorDB.create({ dim: DIM });
    await b.insert({ id: 'b0', vector: v[2]! });
    await b.save(url);
    const opened = await MiniVectorDB.open(url, { durability: 'manual' });
    expect((await opened.get('b0'))?.id).toBe('b0');
    expect(opened.size).toBe(1);
    await opened.close();
    const c = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict' });
    await c.insert({ id: 'c0', vector: v[3]! }); // a new database's first write: its checkpoint replaces b's
    await c.insert({ id: 'c1', vector: v[0]! });
    const last = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
    expect((await last.search(v[3]!, { k: 5, exact: true })).map((h) => h.id).sort()).toEqual(['c0', 'c1']);
    await last.close();
    for (const db of [a, b, c]) await db.close().catch(() => undefined);
  });

  test("'manual' writes nothing until save()", async () => {
    const url = tmp.url('manual.mvdb');
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'manual' });
    await db.insert({ id: 'm', vector: randomVectors(1, DIM, 1)[0]! });
    await caught(() => MiniVectorDB.open(url, { lock: 'readonly' }), StorageError);
    await caught(() => stat(`${fileURLToPath(url)}-wal`), Error);
    await db.close();
  });

  test('through a worker: durability and flush() are mirrored', async () => {
    const url = tmp.url('worker.mvdb');
    const db = await MiniVectorDB.createInWorker({ dim: DIM, storage: url, durability: 'relaxed' });
    const v = randomVectors(2, DIM, 3);
    await db.insertMany([{ id: 'w0', vector: v[0]! }, { id: 'w1', vector: v[1]! }]);
    await db.flush();
    const page = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
    expect(await page.count()).toBe(2);
    await page.close();
    await db.close();
  });
});

describe('close()', () => {
  test('writes an insert that was not awaited (with autosave, and with the default log)', async () => {
    for (const options of [{ autosave: { debounceMs: 60_000 } }, {}]) {
      const url = tmp.url(`unawaited-${Object.keys(options).length}.mvdb`);
      const db = await MiniVectorDB.create({ dim: DIM, storage: url, ...options });
      void db.insert({ id: 'late', vector: randomVectors(1, DIM, 2)[0]! });
      await db.close();
      const again = await MiniVectorDB.open(url);
      expect(again.size).toBe(1);
      expect((await again.get('late'))?.id).toBe('late');
      await again.close();
    }
  });

  test('rejects when the final save fails (and every call after it is ClosedError)', async () => {
    const dir = await tempDir();
    const url = dir.url('gone.mvdb');
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, autosave: { debounceMs: 60_000 } });
    await db.insert({ id: 'a', vector: randomVectors(1, DIM, 3)[0]! });
    await rm(dir.dir, { recursive: true, force: true }); // the folder disappears: no checkpoint can be written
    await db.insert({ id: 'b', vector: randomVectors(1, DIM, 4)[0]! });
    const error = await caught(() => db.close(), StorageError);
    expect(error.message).toMatch(/gone\.mvdb/);
    await caught(() => db.close(), StorageError); // idempotent: the same outcome
    await caught(() => db.count(), Error);
  });
});

describe('torn and corrupt logs', () => {
  /** A checkpoint plus a log of `n` strict single inserts; returns the bytes of both and where each record starts. */
  async function logged(n: number) {
    const url = tmp.url(`torn-src-${n}.mvdb`);
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict' });
    const v = randomVectors(n + 1, DIM, 11);
    await db.insert({ id: 'base', vector: v[n]! }); // the first write of a new database writes its checkpoint
    for (let i = 0; i < n; i++) await db.insert({ id: `t${i}`, vector: v[i]!, metadata: { i } });
    const path = fileURLToPath(url);
    const snapshot = await readFile(path);
    const log = await readFile(`${path}-wal`);
    await db.close();
    // Frame starts, read independently of the library: [crc u32][length u32][payload].
    const starts: number[] = [];
    for (let at = 0; at < log.byteLength; at += 8 + log.readUInt32LE(at + 4)) starts.push(at);
    expect(starts).toHaveLength(n);
    return { snapshot, log, starts };
  }

  async function openWith(name: string, snapshot: Uint8Array, log: Uint8Array) {
    const url = tmp.url(name);
    await writeFile(fileURLToPath(url), snapshot);
    await writeFile(`${fileURLToPath(url)}-wal`, log);
    const { logger, warnings } = recorder();
    const db = await MiniVectorDB.open(url, { logger, durability: 'strict' });
    return { db, warnings, url };
  }

  test('cut at every byte of the last record: opens, drops only that record, warns', async () => {
    const n = 5;
    const { snapshot, log, starts } = await logged(n);
    const last = starts[n - 1]!;
    for (let cut = last; cut < log.byteLength; cut++) {
      const { db, warnings } = await openWith('torn.mvdb', snapshot, log.subarray(0, cut));
      expect(db.size).toBe(n); // base + t0..t3
      expect(await db.get(`t${n - 1}`)).toBeUndefined();
      expect((await db.get(`t${n - 2}`))?.metadata).toEqual({ i: n - 2 });
      if (cut === last) {
        expect(warnings).toEqual([]); // the log ends on a record boundary: nothing torn
      } else {
        expect(warnings).toHaveLength(1);
        expect(warnings[0]!.detail).toMatchObject({ code: 'WAL_TAIL_DROPPED', offset: last, droppedBytes: cut - last, recordsKept: n - 1 });
      }
      await db.close();
    }
  });

  test('after a torn tail, new writes survive (the log is checkpointed past the tail)', async () => {
    const { snapshot, log, starts } = await logged(3);
    const { db, url } = await openWith('torn-then-write.mvdb', snapshot, log.subarray(0, starts[2]! + 5));
    await db.insert({ id: 'after', vector: randomVectors(1, DIM, 12)[0]! });
    await db.insert({ id: 'after2', vector: randomVectors(1, DIM, 13)[0]! });
    const { logger, warnings } = recorder();
    const again = await MiniVectorDB.open(url, { logger, durability: 'manual', lock: 'readonly' }); // db not closed
    expect(warnings).toEqual([]);
    expect((await again.get('after2'))?.id).toBe('after2');
    expect(again.size).toBe(5); // base, t0, t1, after, after2
    await again.close();
    await db.close();
  });

  test('a corrupt checksum in the middle: records before it replay, the rest is dropped with a warning', async () => {
    const { snapshot, log, starts } = await logged(5);
    const bad = Uint8Array.from(log);
    bad[starts[2]! + 8 + 3]! ^= 0x40; // one bit of record 2's payload
    const { db, warnings } = await openWith('corrupt.mvdb', snapshot, bad);
    expect(db.size).toBe(3); // base, t0, t1
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.detail).toMatchObject({ code: 'WAL_TAIL_DROPPED', offset: starts[2], reason: 'checksum mismatch', recordsKept: 2 });
    await db.close();
  });

  test('log bytes that are not records never fail an open', async () => {
    const { snapshot } = await logged(1);
    for (const junk of [Uint8Array.of(1, 2, 3), new Uint8Array(64).fill(0xff), new Uint8Array(100)]) {
      const { db, warnings } = await openWith('junk.mvdb', snapshot, junk);
      expect(db.size).toBe(1);
      // 100 zero bytes are 12 empty-looking frames whose checksum fails at once.
      expect(warnings).toHaveLength(1);
      await db.close();
    }
  });
});

describe('damaged logs, property-based', () => {
  test('any truncation or changed byte: open never fails, and holds exactly the records before the damage', async () => {
    const url = tmp.url('prop-src.mvdb');
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8, efConstruction: 32 });
    const ops = workload(33, 10, DIM, { saves: false });
    const path = fileURLToPath(url);
    const logSize = () => stat(`${path}-wal`).then((st) => st.size, () => 0);
    const ends: number[] = []; // the log's size after each op (a no-op, e.g. compact without tombstones, adds no record)
    for (const op of ops) {
      await applyTo(db, op); // op 0 writes the first checkpoint, later ones log records
      ends.push(await logSize());
    }
    const snapshot = await readFile(path);
    const log = new Uint8Array(await readFile(`${path}-wal`));
    await db.close();
    expect(ends[0]).toBe(0);
    expect(new Set(ends).size).toBeGreaterThan(5);
    /** Operations whose records all lie before byte `p` (a cut at p, or a change of byte p, keeps exactly those). */
    const kept = (p: number) => ends.filter((end) => end <= p).length;
    const target = tmp.url('prop.mvdb');
    await writeFile(fileURLToPath(target), snapshot);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: log.byteLength - 1 }), fc.integer({ min: -1, max: 255 }), async (p, value) => {
        // value -1: cut the log at p; else replace byte p by a different value (CRC-32 detects every change within 32 bits).
        const damaged = value < 0 ? log.slice(0, p) : Uint8Array.from(log, (b, i) => (i === p ? (b === value ? b ^ 0xff : value) : b));
        await writeFile(`${fileURLToPath(target)}-wal`, damaged);
        const { logger, warnings } = recorder();
        const opened = await MiniVectorDB.open(target, { logger, durability: 'manual', lock: 'readonly' });
        try {
          expect(await differences(opened, Reference.after(ops.slice(0, kept(p))), { queries: 2 })).toEqual([]);
          const clean = value < 0 && ends.includes(p);
          expect(warnings.length).toBe(clean ? 0 : 1);
        } finally {
          await opened.close();
        }
      }),
      { numRuns: 60, seed: 17 },
    );
  });
});
