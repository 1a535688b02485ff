/**
 * Readers see the writer's changes (issue #17): a read-only instance's
 * refresh() re-reads the checkpoint and the write-ahead log and swaps its
 * state in one step; a refresh that fails keeps the old state usable. The
 * writer's own view (ids, records) is the independent reference.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { LockedError, MiniVectorDB, SnapshotError, type VectorDatabase } from 'minivectordb';
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
const opened: VectorDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0).reverse()) await db.close(); // readers before their writer
});

/**
 * A writer on the file `name` (strict durability: a write is in the log when
 * its promise resolves) holding the items `first`, on the page or in a
 * worker; closed after the test.
 */
async function writerWith(name: string, first: readonly number[], inWorker = false): Promise<{ url: string; writer: VectorDatabase }> {
  const url = tmp.url(name);
  const options = { dim: DIM, storage: url, durability: 'strict', M: 8 } as const;
  const writer = inWorker ? await createInWorker(options) : await MiniVectorDB.create(options);
  opened.push(writer);
  await writer.insertMany(first.map(item));
  return { url, writer };
}

/** {@link writerWith}, then a read-only instance opened on its file (after a checkpoint when `save`). */
async function writerAndReader(name: string, first: readonly number[], { inWorker = false, save = false } = {}) {
  const { url, writer } = await writerWith(name, first, inWorker);
  if (save) await writer.save();
  const reader = inWorker ? await openInWorker(url, { lock: 'readonly' }) : await MiniVectorDB.open(url, { lock: 'readonly' });
  opened.push(reader);
  return { url, writer, reader };
}

/** Every record of `db`, sorted by id, vectors as plain arrays. */
async function contents(db: { ids(): Promise<string[]>; getMany(ids: readonly string[]): Promise<unknown[]> }): Promise<unknown[]> {
  const ids = (await db.ids()).sort();
  const records = (await db.getMany(ids)) as { id: string; vector: Float32Array; metadata: unknown }[];
  return records.map((r) => ({ id: r.id, vector: Array.from(r.vector), metadata: r.metadata }));
}

describe('refresh() of a read-only instance', () => {
  test('sees logged writes, then checkpointed ones, exactly as the writer has them', async () => {
    const { writer, reader } = await writerAndReader('refresh.mvdb', [0, 1, 2]); // the first logged write checkpoints
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
  });

  test('calls queued before a refresh see the old state, those after it the new one', async () => {
    const { writer, reader } = await writerAndReader('queued.mvdb', [0, 1]);
    await writer.insertMany([2, 3, 4].map(item));
    const before = reader.count();
    const refreshed = reader.refresh();
    const after = reader.count();
    expect([await before, await refreshed, await after]).toEqual([2, undefined, 5]);
  });

  test('a refresh that fails (corrupt checkpoint) rejects and keeps the old state usable; a later one succeeds', async () => {
    const { url, writer, reader } = await writerAndReader('corrupt.mvdb', [0, 1, 2, 3], { save: true });
    const path = fileURLToPath(url);
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
  });

  test('a writer refresh() is a no-op', async () => {
    const { writer } = await writerWith('writer.mvdb', [0, 1]);
    await writer.refresh();
    expect(writer.size).toBe(2);
    await writer.insertMany([2].map(item));
    expect(writer.size).toBe(3);
  });

  test('through the worker proxy: a reader in a worker refreshes and its counters follow', async () => {
    const { writer, reader } = await writerAndReader('worker.mvdb', [0, 1, 2], { inWorker: true });
    expect(reader.size).toBe(3);
    await writer.insertMany([3, 4].map(item));
    await writer.delete('v1');
    await reader.refresh();
    expect(reader.size).toBe(4);
    expect(await contents(reader)).toEqual(await contents(writer));
  });
});
