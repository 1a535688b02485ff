/**
 * AbortSignal and progress callbacks, on the page and through the worker
 * proxy (file storage, so the write-ahead log and the lock are real):
 * an aborted insertMany keeps nothing and logs nothing; an aborted open
 * holds no lock; an aborted compaction leaves the database as it was;
 * aborts reject with the caller's `signal.reason` (an AbortError
 * DOMException by default), at once when already aborted; save, open and
 * compact report `{ phase, done, total }` in their documented units.
 */
import { copyFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, type OpenProgress, type SaveProgress } from 'minivectordb';
import { randomVectors, rejection } from './helpers.js';
import { makeTarget, type Database } from './suites/targets.js';

const DIM = 8;
const items = (n: number, seed: number, prefix: string) => randomVectors(n, DIM, seed).map((vector, i) => ({ id: `${prefix}${i}`, vector, metadata: { i } }));

for (const host of ['page', 'worker'] as const) {
  describe(`${host}: AbortSignal and progress`, () => {
    const target = makeTarget(host, 'file');
    beforeAll(() => target.setup());
    afterAll(() => target.cleanup());
    const make = (name: string, extra: object = {}): Promise<Database> => target.create({ dim: DIM, efConstruction: 16, storage: target.url(name), ...extra });

    test('insertMany aborted between chunks keeps nothing: no record, the replaced one intact, nothing in the log', async () => {
      const url = target.url('insert-abort');
      const db = await target.create({ dim: DIM, efConstruction: 16, storage: url, durability: 'strict' });
      await db.insertMany(items(10, 1, 'b'));
      const before = await db.get('b3');
      const big = [...items(16384, 2, 'n'), { id: 'b3', vector: new Float32Array(DIM).fill(0.5), metadata: { replaced: true } }];
      const ac = new AbortController();
      const done: number[] = [];
      const err = await rejection(
        db.insertMany(big, {
          signal: ac.signal,
          onProgress: (d, _t, phase) => {
            if (phase !== 'insert') return;
            done.push(d);
            ac.abort();
          },
        }),
      );
      expect(err).toBe(ac.signal.reason);
      expect(err).toBeInstanceOf(DOMException);
      expect((err as DOMException).name).toBe('AbortError');
      expect(done[0]).toBe(1024);
      expect(done.at(-1)!).toBeLessThan(big.length); // stopped before the last chunk
      expect(db.size).toBe(10);
      expect(await db.count()).toBe(10);
      expect(await db.get('n0')).toBeUndefined();
      expect(await db.get('b3')).toEqual(before);
      const hits = await db.search(big[0]!.vector, { k: 20, exact: true });
      expect(hits.map((h) => h.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`).sort());
      // What the log holds: a read-only instance beside the writer replays it.
      const reader = await target.open(url, { lock: 'readonly' });
      expect(reader.size).toBe(10);
      expect(await reader.get('n0')).toBeUndefined();
      expect(await reader.get('b3')).toEqual(before);
      await reader.close();
      // Still usable: the same items go in afterwards.
      expect(await db.insertMany(big.slice(0, 2000))).toEqual({ inserted: 2000, updated: 0 });
      await db.close();
    });

    test('an already-aborted signal rejects at once with its reason (a custom one kept), with no work', async () => {
      const db = await make('pre-aborted');
      await db.insertMany(items(5, 3, 'a'));
      const ac = new AbortController();
      const reason = new Error('user cancelled');
      ac.abort(reason);
      let progressCalls = 0;
      expect(await rejection(db.insertMany(items(3, 4, 'x'), { signal: ac.signal, onProgress: () => void progressCalls++ }))).toBe(reason);
      expect(await rejection(db.compact({ signal: ac.signal }))).toBe(reason);
      expect(await rejection(db.search(new Float32Array(DIM).fill(0.1), { signal: ac.signal }))).toBe(reason);
      const plain = new AbortController();
      plain.abort();
      const e = await rejection(db.insertMany(items(3, 4, 'x'), { signal: plain.signal }));
      expect(e).toBe(plain.signal.reason);
      expect((e as DOMException).name).toBe('AbortError');
      expect(progressCalls).toBe(0);
      expect(await db.count()).toBe(5);
      await expect(db.insertMany([], { signal: 'no' as unknown as AbortSignal })).rejects.toMatchObject({ name: 'InvalidArgumentError' });
      await db.close();
    });

    test('a call aborted while it waits in the queue rejects before the call ahead of it ends; compact then works', async () => {
      const db = await make('queued', { reuseDeleted: false });
      await db.insertMany(items(200, 5, 'k'));
      await db.deleteMany(Array.from({ length: 50 }, (_, i) => `k${i}`));
      const order: string[] = [];
      // The call ahead has a signal of its own (never aborted): it lets the thread take other tasks between chunks.
      const ahead = db.insertMany(items(8192, 6, 'q'), { signal: new AbortController().signal }).then(() => order.push('insert'));
      const ac = new AbortController();
      const queued = db.compact({ signal: ac.signal }).then(
        () => order.push('compact resolved'),
        (e: unknown) => order.push(e === ac.signal.reason ? 'compact aborted' : `compact failed: ${String(e)}`),
      );
      setTimeout(() => ac.abort(), 0);
      await Promise.all([ahead, queued]);
      expect(order).toEqual(['compact aborted', 'insert']);
      expect(db.stats().deleted).toBe(50);
      expect(await db.compact()).toBe(50);
      expect(db.stats().deleted).toBe(0);
      expect(await db.count()).toBe(150 + 8192);
      await db.close();
    });

    test('compact: aborted leaves the database as it was and usable; onProgress reports records', async () => {
      const db = await make('compact');
      await db.insertMany(items(300, 7, 'c'));
      await db.deleteMany(Array.from({ length: 100 }, (_, i) => `c${i * 3}`));
      const q = randomVectors(1, DIM, 8)[0]!;
      const hits = await db.search(q, { k: 10 });
      const before = { stats: db.stats(), hits, ids: await db.ids() };
      const ac = new AbortController();
      ac.abort();
      expect(await rejection(db.compact({ signal: ac.signal }))).toBe(ac.signal.reason);
      expect(db.stats()).toEqual(before.stats);
      expect(await db.search(q, { k: 10 })).toEqual(before.hits);
      const events: unknown[] = [];
      expect(await db.compact({ onProgress: (e) => events.push(e) })).toBe(100);
      expect(events).toEqual([
        { phase: 'rebuild', done: 0, total: 200 },
        { phase: 'rebuild', done: 200, total: 200 },
      ]);
      expect(db.stats().deleted).toBe(0);
      expect((await db.ids()).sort()).toEqual(before.ids.sort());
      await db.close();
    });

    test('save reports the bytes written chunk by chunk up to the file size; a throwing callback does not stop it', async () => {
      const url = target.url('save');
      const db = await target.create({ dim: DIM, efConstruction: 16, storage: url });
      await db.insertMany(items(12000, 9, 's'));
      const events: SaveProgress[] = [];
      await db.save(undefined, { onProgress: (e) => events.push(e) });
      const size = (await stat(fileURLToPath(url))).size;
      expect(size).toBeGreaterThan(2 ** 20); // more than one chunk
      expect(events.length).toBeGreaterThanOrEqual(Math.ceil(size / 2 ** 20));
      events.forEach((e, i) => {
        expect(e.phase).toBe('write');
        expect(e.total).toBe(size);
        expect(e.done - (i === 0 ? 0 : events[i - 1]!.done)).toBeGreaterThan(0);
        expect(e.done - (i === 0 ? 0 : events[i - 1]!.done)).toBeLessThanOrEqual(2 ** 20);
      });
      expect(events.at(-1)!.done).toBe(size);
      const other = target.url('save-copy');
      let calls = 0;
      await db.save(other, {
        onProgress: () => {
          calls++;
          throw new Error('progress bar broke');
        },
      });
      expect(calls).toBe(events.length);
      const copy = await target.open(other);
      expect(copy.size).toBe(12000);
      await copy.close();
      await expect(db.save(undefined, { onProgress: 5 as never })).rejects.toMatchObject({ name: 'InvalidArgumentError' });
      await db.close();
    });

    test('open: progress (bytes read, log records replayed); aborted during the replay it holds no lock and the next open works', async () => {
      const url = target.url('open-src');
      // The writer on this thread (its log made durable by flush()); the opens on the target's host.
      const writer = await MiniVectorDB.create({ dim: DIM, efConstruction: 16, storage: url, durability: 'relaxed' });
      await writer.insertMany(items(100, 10, 'o'));
      const singles = items(600, 11, 'l');
      for (const it of singles) await writer.insert(it);
      await writer.flush();
      // A crash image: the checkpoint and its log, copied while the writer holds them.
      const copyUrl = target.url('open-copy');
      const [src, dst] = [fileURLToPath(url), fileURLToPath(copyUrl)];
      await copyFile(src, dst);
      await copyFile(`${src}-wal`, `${dst}-wal`);
      await writer.close();
      const size = (await stat(dst)).size;

      const pre = new AbortController();
      pre.abort();
      expect(await rejection(target.open(copyUrl, { signal: pre.signal }))).toBe(pre.signal.reason);

      // On the page the callback's abort is seen at the next record; from a worker it
      // travels as a message while the worker goes on (the replay of 600 records is
      // quicker than that round trip), so there it is sent at the first event, after the lock is taken.
      const abortAt = host === 'page' ? 'replay' : 'read';
      const ac = new AbortController();
      const seen: OpenProgress[] = [];
      const err = await rejection(
        target.open(copyUrl, {
          signal: ac.signal,
          onProgress: (e) => {
            seen.push(e);
            if (e.phase === abortAt) ac.abort();
          },
        }),
      );
      expect(err).toBe(ac.signal.reason);
      expect(seen[0]).toEqual({ phase: 'read', done: size, total: size });
      if (host === 'page') expect(seen.filter((e) => e.phase === 'replay')).toEqual([{ phase: 'replay', done: 256, total: seen.at(-1)!.total }]);
      expect(seen.some((e) => e.phase === 'replay' && e.done === e.total)).toBe(false); // not replayed to the end

      const events: OpenProgress[] = [];
      const db = await target.open(copyUrl, { onProgress: (e) => events.push(e) }); // the write lock: free again
      expect(db.size).toBe(700);
      expect(await db.get('l599')).toMatchObject({ id: 'l599', metadata: { i: 599 } });
      expect(events[0]).toEqual({ phase: 'read', done: size, total: size });
      const replay = events.slice(1);
      const total = replay.at(-1)!.total;
      expect(total).toBeGreaterThanOrEqual(600);
      expect(replay.every((e) => e.phase === 'replay' && e.total === total)).toBe(true);
      expect(replay.map((e) => e.done)).toEqual([...Array.from({ length: Math.floor((total - 1) / 256) }, (_, i) => 256 * (i + 1)), total]);
      await db.close();
    });
  });
}

describe('page only: deserialize and embedding', () => {
  test('MiniVectorDB.deserialize: aborted rejects at once; onProgress reports the bytes given', async () => {
    const db = await MiniVectorDB.create({ dim: DIM });
    await db.insertMany(items(50, 12, 'd'));
    const bytes = await db.serialize();
    await db.close();
    const ac = new AbortController();
    ac.abort();
    expect(await rejection(MiniVectorDB.deserialize(bytes, { signal: ac.signal }))).toBe(ac.signal.reason);
    const events: OpenProgress[] = [];
    const copy = await MiniVectorDB.deserialize(bytes, { onProgress: (e) => events.push(e) });
    expect(events).toEqual([{ phase: 'read', done: bytes.byteLength, total: bytes.byteLength }]);
    expect(copy.size).toBe(50);
    await copy.close();
  });
});
