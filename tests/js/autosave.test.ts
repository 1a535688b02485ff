/** autosave: changes are saved after the debounce, coalesced, and flushed by close(). */
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, StorageError } from 'minivectordb';
import { caught, randomVectors, tempDir } from './helpers.js';

const DIM = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('autosave', () => {
  // With 'manual' durability (no write-ahead log) autosave is the only persistence, as before the log;
  // with a log, the first write writes a checkpoint at once (wal.test.ts).
  test('saves after the last change, coalescing a burst of changes', async () => {
    const storage = 'memory://autosave-burst';
    const db = await MiniVectorDB.create({ dim: DIM, storage, autosave: { debounceMs: 50 }, durability: 'manual' });
    const vectors = randomVectors(30, DIM, 3);
    for (let i = 0; i < 30; i++) await db.insert({ id: `a${i}`, vector: vectors[i]! });
    await caught(() => MiniVectorDB.open(storage, { lock: 'readonly' }), StorageError); // not saved yet: the timer restarts on each change
    await sleep(300);
    const saved = await MiniVectorDB.open(storage, { lock: 'readonly' }); // db holds the lock
    expect(saved.size).toBe(30);
    await db.delete('a0');
    await sleep(300);
    expect((await MiniVectorDB.open(storage, { lock: 'readonly' })).size).toBe(29);
    await db.close();
  });

  test('close() writes a pending autosave', async () => {
    const tmp = await tempDir();
    const url = tmp.url('pending.mvdb');
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, autosave: { debounceMs: 60_000 } });
    await db.insertMany(randomVectors(5, DIM, 4).map((vector, i) => ({ id: `p${i}`, vector })));
    await db.close();
    const again = await MiniVectorDB.open(url);
    expect(again.size).toBe(5);
    await again.close();
    await tmp.cleanup();
  });

  test('open(url, { autosave }) saves back to the same URL', async () => {
    const storage = 'memory://autosave-open';
    const db = await MiniVectorDB.create({ dim: DIM, storage });
    await db.insert({ id: 'x', vector: new Float32Array(DIM).fill(1) });
    await db.save();
    await db.close();
    const reopened = await MiniVectorDB.open(storage, { autosave: { debounceMs: 10 } });
    await reopened.insert({ id: 'y', vector: new Float32Array(DIM).fill(2) });
    await sleep(200);
    expect((await MiniVectorDB.open(storage, { lock: 'readonly' })).size).toBe(2);
    await reopened.close();
  });

  test('bad autosave options are InvalidArgumentError', async () => {
    await caught(() => MiniVectorDB.create({ dim: DIM, autosave: { debounceMs: -1 } }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: DIM, autosave: { delay: 5 } as never }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: DIM, autosave: 'yes' as never }), InvalidArgumentError);
  });
});

describe('listSaved / removeSaved', () => {
  test('memory://', async () => {
    const db = await MiniVectorDB.create({ dim: DIM, storage: 'memory://listed-one' });
    await db.save();
    expect(await MiniVectorDB.listSaved('memory://')).toContain('memory://listed-one');
    expect(await MiniVectorDB.removeSaved('memory://listed-one')).toBe(true);
    expect(await MiniVectorDB.listSaved('memory://')).not.toContain('memory://listed-one');
    await db.close();
  });

  test('file:// folder', async () => {
    const tmp = await tempDir();
    const db = await MiniVectorDB.create({ dim: DIM });
    await db.save(tmp.url('b.mvdb'));
    await db.save(tmp.url('a.mvdb'));
    expect(await MiniVectorDB.listSaved(tmp.url('') + '/')).toEqual([tmp.url('a.mvdb'), tmp.url('b.mvdb')]);
    expect(await MiniVectorDB.removeSaved(tmp.url('a.mvdb'))).toBe(true);
    expect(await MiniVectorDB.removeSaved(tmp.url('a.mvdb'))).toBe(false);
    expect(await MiniVectorDB.listSaved(tmp.url('') + '/')).toEqual([tmp.url('b.mvdb')]);
    await caught(() => MiniVectorDB.listSaved('ftp://x'), StorageError);
    await db.close();
    await tmp.cleanup();
  });
});
