/**
 * Readers see the writer's changes (issue #17): a read-only instance's
 * refresh() re-reads the checkpoint and the write-ahead log and swaps its
 * state in one step; a refresh that fails keeps the old state usable. The
 * writer's own view (ids, records) is the independent reference.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LockedError, MiniVectorDB, SnapshotError } from 'minivectordb';
import { createInWorker, openInWorker } from 'minivectordb/worker';
import { caught, randomVectors, tempDir } from './helpers.js';

const DIM = 8;
const vectors = randomVectors(40, DIM, 7);
const item = (i: number) => ({ id: `v${i}`, vector: vectors[i]!, metadata: { i } });

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

/** Every record of `db`, sorted by id, vectors as plain arrays. */
async function contents(db: { ids(): Promise<string[]>; getMany(ids: readonly string[]): Promise<unknown[]> }): Promise<unknown[]> {
  const ids = (await db.ids()).sort();
  const records = (await db.getMany(ids)) as { id: string; vector: Float32Array; metadata: unknown }[];
  return records.map((r) => ({ id: r.id, vector: Array.from(r.vector), metadata: r.metadata }));
}

describe('refresh() of a read-only instance', () => {
  test('sees logged writes, then checkpointed ones, exactly as the writer has them', async () => {
    const url = tmp.url('refresh.mvdb');
    const writer = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8 });
    await writer.insertMany([0, 1, 2].map(item)); // the first logged write checkpoints
    const reader = await MiniVectorDB.open(url, { lock: 'readonly' });
    try {
      expect(reader.size).toBe(3);
      // Logged (strict: durable when the promise resolves), not checkpointed.
      await writer.insertMany([3, 4, 5, 6].map(item));
      await writer.update('v1', { metadata: { i: 1, changed: true } });
      expect(await writer.delete('v0')).toBe(true);
      expect(reader.size).toBe(3); // no refresh yet
      await reader.refresh();
      expect(reader.size).toBe(6);
      expect(await contents(reader)).toEqual(await contents(writer));
      expect((await reader.search(vectors[4]!, { k: 1 }))[0]!.id).toBe('v4');

      // A checkpoint (save) truncates the log; more writes follow in a new log.
      await writer.save();
      await writer.insertMany([7, 8].map(item));
      await writer.deleteMany(['v2']);
      await reader.refresh();
      expect(await contents(reader)).toEqual(await contents(writer));
      expect(reader.size).toBe(7);
      // Still read-only after a refresh.
      expect((await caught(() => reader.insert(item(9)), LockedError)).message).toMatch(/read-only/);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  test('calls queued before a refresh see the old state, those after it the new one', async () => {
    const url = tmp.url('queued.mvdb');
    const writer = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8 });
    await writer.insertMany([0, 1].map(item));
    const reader = await MiniVectorDB.open(url, { lock: 'readonly' });
    await writer.insertMany([2, 3, 4].map(item));
    const before = reader.count();
    const refreshed = reader.refresh();
    const after = reader.count();
    expect([await before, await refreshed, await after]).toEqual([2, undefined, 5]);
    await reader.close();
    await writer.close();
  });

  test('a refresh that fails (corrupt checkpoint) rejects and keeps the old state usable; a later one succeeds', async () => {
    const url = tmp.url('corrupt.mvdb');
    const path = fileURLToPath(url);
    const writer = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8 });
    await writer.insertMany([0, 1, 2, 3].map(item));
    await writer.save();
    const reader = await MiniVectorDB.open(url, { lock: 'readonly' });
    try {
      const old = await contents(reader);
      const good = await readFile(path);
      const bad = Uint8Array.from(good);
      bad.fill(0x5a, 64, Math.min(bad.byteLength, 4096)); // the checkpoint's sections, damaged
      await writeFile(path, bad);
      await caught(() => reader.refresh(), SnapshotError);
      expect(reader.size).toBe(4);
      expect(await contents(reader)).toEqual(old);
      expect((await reader.search(vectors[2]!, { k: 1 }))[0]!.id).toBe('v2');

      // The writer checkpoints again over the damage; the next refresh sees it.
      await writer.insertMany([4].map(item));
      await writer.save();
      await reader.refresh();
      expect(await contents(reader)).toEqual(await contents(writer));
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  test('a writer refresh() is a no-op', async () => {
    const url = tmp.url('writer.mvdb');
    const writer = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8 });
    await writer.insertMany([0, 1].map(item));
    await writer.refresh();
    expect(writer.size).toBe(2);
    await writer.insertMany([2].map(item));
    expect(writer.size).toBe(3);
    await writer.close();
  });

  test('through the worker proxy: a reader in a worker refreshes and its counters follow', async () => {
    const url = tmp.url('worker.mvdb');
    const writer = await createInWorker({ dim: DIM, storage: url, durability: 'strict', M: 8 });
    await writer.insertMany([0, 1, 2].map(item));
    const reader = await openInWorker(url, { lock: 'readonly' });
    try {
      expect(reader.size).toBe(3);
      await writer.insertMany([3, 4].map(item));
      await writer.delete('v1');
      await reader.refresh();
      expect(reader.size).toBe(4);
      expect(await contents(reader)).toEqual(await contents(writer));
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});
