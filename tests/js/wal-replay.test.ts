/**
 * Log replay equals the live database: a database reopened from its
 * checkpoint plus its write-ahead log (no close(), no save()) holds the same
 * ids, vectors and metadata as the instance that made the writes, answers
 * exact searches as brute force over an independent reference, and its
 * snapshot is byte for byte the live one's (same labels, graph, tombstones,
 * fresh list, dimension order, PRNG state). Replay groups consecutive small
 * inserts into one core add (`db/replay-batch.ts`); these workloads mix
 * grouped runs with what must end a run: upserts of an id inserted earlier
 * in the same run, deletes (tombstones then reused), metadata updates,
 * vector updates, inserts above the fresh-list batch size, compaction, and
 * the add that learns the dimension order.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { decode, encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, type Logger } from 'minivectordb';
import { differences, Reference } from '../shared/wal-workload.mjs';
import { randomVectors, tempDir } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

type Op = Parameters<Reference['apply']>[0];

/** A logger that keeps debug messages (replay reports how it grouped the records). */
function debugRecorder(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const noop = () => undefined;
  return { messages, logger: { debug: (m: string) => void messages.push(m), info: noop, warn: noop, error: noop } };
}

const plain = (v: Float32Array) => Array.from(v);

/** Runs `ops` (the shapes of tests/shared/wal-workload.mjs) on `db`. */
async function run(db: MiniVectorDB, ops: Op[]): Promise<void> {
  for (const op of ops) {
    switch (op.kind) {
      case 'insert':
        await db.insertMany(op.items.map((it: { id: string; vector: number[]; metadata: unknown }) => ({ id: it.id, vector: it.vector, metadata: it.metadata as Record<string, number> })));
        break;
      case 'update':
        await db.update(op.id, { metadata: op.metadata });
        break;
      case 'updateVector':
        await db.update(op.id, { vector: op.vector });
        break;
      case 'delete':
        await db.delete(op.id);
        break;
      case 'compact':
        await db.compact();
        break;
    }
  }
}

/** Single inserts with upserts, deletes and updates interleaved (every op logs one record). */
function mixedOps(dim: number, count: number, seed: number): Op[] {
  const vs = randomVectors(count * 2 + 80, dim, seed).map(plain);
  let v = 0;
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const id = `s${i}`;
    ops.push({ kind: 'insert', items: [{ id, vector: vs[v++]!, metadata: { i, g: i % 5 } }] });
    if (i % 9 === 4) ops.push({ kind: 'insert', items: [{ id: `s${i - 2}`, vector: vs[v++]!, metadata: { i, upsert: true } }] }); // same id, same run
    if (i % 9 === 5) ops.push({ kind: 'insert', items: [{ id: `p${i}a`, vector: vs[v++]!, metadata: { i } }, { id: `s${i - 1}`, vector: vs[v++]!, metadata: { i } }] });
    if (i % 13 === 7) ops.push({ kind: 'delete', id: `s${i - 3}` }); // a tombstone the next insert reuses
    if (i % 11 === 3) ops.push({ kind: 'update', id: `s${i}`, metadata: { i, edited: true } });
    if (i % 17 === 8) ops.push({ kind: 'updateVector', id: `s${i - 1}`, vector: vs[v++]! });
    if (i === Math.floor(count / 2)) {
      // Above the fresh-list batch size (64): replayed alone.
      const big = randomVectors(70, dim, seed + 1).map((x, j) => ({ id: `big${j}`, vector: plain(x), metadata: { j } }));
      ops.push({ kind: 'insert', items: big });
    }
    if (i === Math.floor((count * 3) / 4)) ops.push({ kind: 'compact' });
  }
  return ops;
}

async function replayMatchesLive(dim: number, base: number, ops: Op[], name: string, options: { M?: number; efConstruction?: number; metric?: 'l2' | 'cosine' } = {}) {
  const url = tmp.url(`${name}.mvdb`);
  const db = await MiniVectorDB.create({ dim, storage: url, durability: 'strict', M: options.M ?? 8, efConstruction: options.efConstruction ?? 32, metric: options.metric ?? 'l2' });
  const baseOps: Op[] = [{ kind: 'insert', items: randomVectors(base, dim, 5).map((x, i) => ({ id: `b${i}`, vector: plain(x), metadata: { b: i } })) }];
  await run(db, baseOps);
  await db.save(); // the checkpoint the log continues
  await run(db, ops);
  const ref = Reference.after([...baseOps, ...ops]);
  const { logger, messages } = debugRecorder();
  const reopened = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly', logger, logLevel: 'debug' }); // db neither closed nor saved
  const replayed = messages.find((m) => m.includes('replayed'));
  expect(replayed, 'replay reports how it ran').toBeDefined();
  if (options.metric !== 'cosine') {
    expect(await differences(db, ref, { queries: 8 })).toEqual([]);
    expect(await differences(reopened, ref, { queries: 8 })).toEqual([]);
  }
  // The same index, bit for bit: labels, links, tombstones, fresh list, PRNG state, records.
  const [live, again] = [await db.serialize(), await reopened.serialize()];
  expect(again.byteLength).toBe(live.byteLength);
  expect(Buffer.compare(Buffer.from(again), Buffer.from(live))).toBe(0);
  // Graph searches (not exact) agree too, fresh list included.
  for (const q of randomVectors(5, dim, 77)) {
    expect((await reopened.search(q, { k: 10 })).map((h) => h.id)).toEqual((await db.search(q, { k: 10 })).map((h) => h.id));
  }
  await reopened.close();
  await db.close();
  return replayed!;
}

/** "(G of them grouped into A core adds)" of replay's debug message. */
function grouping(message: string): { records: number; adds: number } {
  const m = /\((\d+) of them grouped into (\d+) core adds\)/.exec(message);
  expect(m, message).not.toBeNull();
  return { records: Number(m![1]), adds: Number(m![2]) };
}

describe('replay equals the live database', () => {
  test('mixed single inserts, upserts of the same id within a run, deletes, updates, a large insert, compact', async () => {
    const ops = mixedOps(8, 160, 21);
    const message = await replayMatchesLive(8, 200, ops, 'mixed');
    const { records, adds } = grouping(message);
    // Runs were grouped (fewer core adds than records), and not everything: deletes and tombstones end runs.
    expect(adds).toBeGreaterThan(0);
    expect(records).toBeGreaterThan(adds * 2);
  });

  test('cosine (vectors normalised in the core)', async () => {
    const ops = mixedOps(16, 60, 22);
    grouping(await replayMatchesLive(16, 100, ops, 'cosine', { metric: 'cosine' }));
  });

  test('replay across the add that learns the dimension order (l2, 192-d, past 1,024 vectors)', async () => {
    // 1,000 vectors in the checkpoint, then single inserts past kOrderSample (1,024).
    const ops: Op[] = randomVectors(60, 192, 23).map((x, i) => ({ kind: 'insert', items: [{ id: `o${i}`, vector: plain(x), metadata: { i } }] }));
    const { records } = grouping(await replayMatchesLive(192, 1000, ops, 'order', { M: 4, efConstruction: 16 }));
    expect(records).toBeGreaterThan(0);
  });

  test('a run holding an unreplayable record: the records before it are in, the rest is dropped with a warning', async () => {
    const url = tmp.url('run-then-bad.mvdb');
    const db = await MiniVectorDB.create({ dim: 4, storage: url, durability: 'strict' });
    await db.insert({ id: 'base', vector: [1, 0, 0, 0] });
    await db.save();
    for (let i = 0; i < 6; i++) await db.insert({ id: `k${i}`, vector: [i + 1, 1, 0, 0], metadata: { i } });
    const path = fileURLToPath(url);
    await copyFile(path, `${path}.checkpoint-copy`); // the checkpoint and the log as a crash would leave them
    await copyFile(`${path}-wal`, `${path}.log-copy`);
    await db.close(); // checkpoints and empties the log: both are put back below
    // No live database logs a vector the core refuses: forge one (record k3's first value → NaN), framed again.
    const log = new Uint8Array(await readFile(`${path}.log-copy`));
    const frames: Uint8Array[] = [];
    for (let at = 0; at < log.byteLength; ) {
      const length = new DataView(log.buffer, at + 4, 4).getUint32(0, true);
      expect(crc32(log.subarray(at + 4, at + 8 + length))).toBe(new DataView(log.buffer, at, 4).getUint32(0, true)); // the frame's CRC is zlib's CRC-32
      frames.push(log.subarray(at + 8, at + 8 + length));
      at += 8 + length;
    }
    expect(frames).toHaveLength(6);
    const bad = decode(frames[3]!) as { vectors: Uint8Array };
    new DataView(bad.vectors.buffer, bad.vectors.byteOffset, 4).setFloat32(0, Number.NaN, true);
    frames[3] = encode(bad);
    const forged = Buffer.concat(frames.map((payload) => {
      const frame = Buffer.alloc(8 + payload.byteLength);
      frame.writeUInt32LE(payload.byteLength, 4);
      frame.set(payload, 8);
      frame.writeUInt32LE(crc32(frame.subarray(4)), 0);
      return frame;
    }));
    await writeFile(path, await readFile(`${path}.checkpoint-copy`));
    await writeFile(`${path}-wal`, forged);
    const warnings: unknown[] = [];
    const noop = () => undefined;
    const reopened = await MiniVectorDB.open(url, { durability: 'manual', logger: { debug: noop, info: noop, error: noop, warn: (_m: string, detail?: unknown) => void warnings.push(detail) } });
    expect(await reopened.count()).toBe(4); // base, k0, k1, k2
    expect((await reopened.get('k2'))?.metadata).toEqual({ i: 2 });
    expect(await reopened.get('k3')).toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ code: 'WAL_TAIL_DROPPED', reason: 'unreplayable record', recordsKept: 3 })]);
    await reopened.close();
  });
});
