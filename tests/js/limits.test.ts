/**
 * What insert accepts, save writes and open gives back: one set of limits
 * (metadata depth and MessagePack size, id length) enforced at insert and
 * update with a LimitExceededError naming the limit, and at open with a
 * SnapshotError; a snapshot crafted past them (valid checksums) never opens
 * into a database whose get / search / update then throw.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  InvalidArgumentError,
  LimitExceededError,
  MAX_ID_LENGTH,
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  MiniVectorDB,
  SnapshotError,
  type Metadata,
} from 'minivectordb';
import { caught, tempDir } from './helpers.js';
import { userPayload, withUser } from './snapshot-bytes.js';

/** `{ a: { a: … { leaf: 1 } } }`, `levels` objects deep (the outermost is level 1). */
function nested(levels: number): Metadata {
  let m: Metadata = { leaf: 1 };
  for (let i = 1; i < levels; i++) m = { a: m };
  return m;
}

describe('limits at insert and update', () => {
  let db: MiniVectorDB;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
    db = await MiniVectorDB.create({ dim: 2, storage: tmp.url('limits.mvdb') });
  });
  afterAll(async () => {
    await db.close();
    await tmp.cleanup();
  });

  test('metadata nested 100 levels is rejected at insert with LimitExceededError (it used to be accepted, then save() threw "Too deep objects")', async () => {
    const e = await caught(() => db.insert({ id: 'deep', vector: [1, 0], metadata: nested(100) }), LimitExceededError);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect([e.code, e.limit, e.max, e.actual]).toEqual(['INVALID_ARGUMENT', 'metadataDepth', MAX_METADATA_DEPTH, MAX_METADATA_DEPTH + 1]);
    expect(e.message).toContain(`at most ${MAX_METADATA_DEPTH} levels`);
    expect(await db.count()).toBe(0);
    // An array counts as a level too.
    let arr: unknown = 1;
    for (let i = 0; i < MAX_METADATA_DEPTH; i++) arr = [arr];
    expect((await caught(() => db.insert({ id: 'deep', vector: [1, 0], metadata: { arr } as Metadata }), LimitExceededError)).limit).toBe('metadataDepth');
    // 100,000 levels: rejected with the same typed error, no stack overflow.
    expect((await caught(() => db.insert({ id: 'deep', vector: [1, 0], metadata: nested(100_000) }), LimitExceededError)).limit).toBe('metadataDepth');
    expect(await db.count()).toBe(0);
  });

  test('metadata exactly MAX_METADATA_DEPTH levels deep: inserted, saved, reopened, updated', async () => {
    const meta = nested(MAX_METADATA_DEPTH);
    await db.insert({ id: 'edge', vector: [1, 0], metadata: meta });
    await db.save();
    await db.save(tmp.url('limits-copy.mvdb')); // db holds the write lock of limits.mvdb: reopen a copy
    const again = await MiniVectorDB.open(tmp.url('limits-copy.mvdb'));
    expect((await again.get('edge'))!.metadata).toEqual(meta);
    await again.update('edge', { vector: [0, 1] }); // re-checks the stored metadata
    expect((await again.search([0, 1], { k: 1 }))[0]!.metadata).toEqual(meta);
    await again.save();
    await again.close();
    // update() with deeper metadata is rejected and changes nothing.
    const e = await caught(() => db.update('edge', { metadata: nested(MAX_METADATA_DEPTH + 1) }), LimitExceededError);
    expect(e.limit).toBe('metadataDepth');
    expect((await db.get('edge'))!.metadata).toEqual(meta);
    await db.delete('edge');
  });

  test('with autosave, a too-deep record is refused at insert instead of silently failing every later save', async () => {
    const url = tmp.url('autosave.mvdb');
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
    const auto = await MiniVectorDB.create({ dim: 2, storage: url, autosave: { debounceMs: 0 }, logger });
    await caught(() => auto.insert({ id: 'deep', vector: [1, 0], metadata: nested(100) }), LimitExceededError);
    await auto.insert({ id: 'ok', vector: [0, 1] });
    await auto.close(); // flushes the pending autosave
    expect(errors).toEqual([]);
    const reopened = await MiniVectorDB.open(url);
    expect(await reopened.count()).toBe(1);
    await reopened.close();
  });

  test('metadata sharing one object 2^30 times over (a tiny DAG, a huge tree) is rejected after a bounded walk', async () => {
    let shared: Metadata = { leaf: 1 };
    for (let i = 1; i < 30; i++) shared = { a: shared, b: shared };
    const started = performance.now();
    const e = await caught(() => db.insert({ id: 'dag', vector: [1, 0], metadata: shared }), LimitExceededError);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(e.limit).toBe('metadataBytes');
    expect(e.actual).toBeGreaterThan(MAX_METADATA_BYTES);
    expect(e.message).toContain('at least');
    // Shared (not circular) values well within the limits are stored as a tree.
    const leaf = { x: 1 };
    await db.insert({ id: 'twice', vector: [1, 0], metadata: { p: leaf, q: leaf } });
    expect((await db.get('twice'))!.metadata).toEqual({ p: { x: 1 }, q: { x: 1 } });
    await db.delete('twice');
  });

  test('ids longer than MAX_ID_LENGTH are rejected; MAX_ID_LENGTH itself round-trips', async () => {
    const long = 'i'.repeat(MAX_ID_LENGTH);
    const e = await caught(() => db.insert({ id: `${long}x`, vector: [1, 0] }), LimitExceededError);
    expect([e.limit, e.max, e.actual]).toEqual(['idLength', MAX_ID_LENGTH, MAX_ID_LENGTH + 1]);
    expect(await db.get(`${long}x`)).toBeUndefined(); // lookups of such an id are not an error: it cannot exist
    await db.insert({ id: long, vector: [1, 0] });
    await db.save();
    const again = await MiniVectorDB.open(tmp.url('limits.mvdb'), { lock: 'readonly' }); // db holds the write lock
    expect((await again.get(long))!.id).toBe(long);
    await again.close();
    await db.delete(long);
  });

  test('metadata size is counted exactly as MessagePack (@msgpack/msgpack as reference): MAX_METADATA_BYTES accepted, one byte more rejected', async () => {
    // Code units of every width, lone surrogates included; integers of every
    // MessagePack width and doubles; arrays and objects of 0–20 entries.
    const unit = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0x80, max: 0x7ff }),
      fc.integer({ min: 0x800, max: 0xffff }),
    ).map((c) => String.fromCharCode(c));
    const str = fc.oneof(fc.string({ unit, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.string({ minLength: 30, maxLength: 300 }));
    const num = fc.oneof(
      fc.integer({ min: -200, max: 300 }),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(-0, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 0x100000000, -0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001, -0x80000000, -0x80000001),
    );
    const key = str.filter((k) => k !== '__proto__');
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', maxDepth: 4 }, str, num, fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 20 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 20 }),
    }));
    let id = 0;
    await fc.assert(
      fc.asyncProperty(value, async (m) => {
        const probe = 70_000; // pad length where its str header is 5 bytes, as at the limit
        const base = encode({ m, pad: 'x'.repeat(probe) }).byteLength;
        const fits = probe + (MAX_METADATA_BYTES - base);
        const meta = { m, pad: 'x'.repeat(fits) } as Metadata;
        expect(encode(meta).byteLength).toBe(MAX_METADATA_BYTES);
        await db.insert({ id: `s${++id}`, vector: [1, 0], metadata: meta });
        expect((await db.get(`s${id}`))!.metadata).toEqual(meta);
        await db.delete(`s${id}`);
        const over = { m, pad: 'x'.repeat(fits + 1) } as Metadata;
        const e = await caught(() => db.insert({ id: `s${++id}`, vector: [1, 0], metadata: over }), LimitExceededError);
        expect([e.limit, e.max, e.actual]).toEqual(['metadataBytes', MAX_METADATA_BYTES, MAX_METADATA_BYTES + 1]);
      }),
      { numRuns: 40, seed: 20260612 },
    );
    expect(await db.count()).toBe(0);
  });

  test('save(url) with a non-string url is an InvalidArgumentError (it was a raw TypeError)', async () => {
    await caught(() => db.save(5 as unknown as string), InvalidArgumentError);
  });
});

describe('limits at open: crafted snapshots (valid checksums) are rejected with SnapshotError', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let good: Uint8Array;
  let table: { format: number; ids: (string | null)[]; metadata: unknown[]; settings?: unknown };
  beforeAll(async () => {
    tmp = await tempDir();
    const db = await MiniVectorDB.create({ dim: 2, storage: tmp.url('good.mvdb') });
    await db.insertMany([
      { id: 'a', vector: [1, 0], metadata: { n: 1 } },
      { id: 'b', vector: [0, 1], metadata: { n: 2 } },
    ]);
    await db.save();
    await db.close();
    good = new Uint8Array(await readFile(new URL(tmp.url('good.mvdb'))));
    table = decode(userPayload(good)) as typeof table;
    expect(table.ids).toEqual(['a', 'b']);
  });
  afterAll(() => tmp.cleanup());

  let n = 0;
  async function openCrafted(payload: Uint8Array): Promise<MiniVectorDB> {
    const url = tmp.url(`crafted-${++n}.mvdb`);
    await writeFile(new URL(url), withUser(good, payload));
    return MiniVectorDB.open(url);
  }
  const withMetadata = (meta: unknown): Uint8Array => encode({ ...table, metadata: [meta, table.metadata[1]] });

  test('the splice itself is sound: the same table re-encoded opens and answers', async () => {
    const db = await openCrafted(encode(table));
    expect((await db.get('a'))!.metadata).toEqual({ n: 1 });
    await db.close();
  });

  test('a record nested 20,000 levels: SnapshotError at open (it used to open, then get/search/update threw RangeError)', async () => {
    // Written byte by byte (an encoder would recurse 20,000 deep): each level
    // is a one-entry map { a: … } (0x81, fixstr "a"), the innermost { leaf: 1 }.
    const levels = 20_000;
    const deep = new Uint8Array(3 * (levels - 1) + 7);
    for (let i = 0; i < levels - 1; i++) deep.set([0x81, 0xa1, 0x61], 3 * i);
    deep.set([0x81, 0xa4, 0x6c, 0x65, 0x61, 0x66, 0x01], 3 * (levels - 1));
    // Splice it in for a placeholder record.
    const withHole = encode({ ...table, metadata: [{ __DEEP__: null }, table.metadata[1]] });
    const marker = encode({ __DEEP__: null });
    const at = Buffer.from(withHole).indexOf(Buffer.from(marker));
    expect(at).toBeGreaterThan(0);
    const payload = new Uint8Array(withHole.length - marker.length + deep.length);
    payload.set(withHole.subarray(0, at));
    payload.set(deep, at);
    payload.set(withHole.subarray(at + marker.length), at + deep.length);
    const e = await caught(() => openCrafted(payload), SnapshotError);
    expect(e.code).toBe('SNAPSHOT_CORRUPT');
    expect(e.message).toContain(`at most ${MAX_METADATA_DEPTH} levels`);
  });

  test('one level past MAX_METADATA_DEPTH, more than MAX_METADATA_BYTES, an over-long id: SnapshotError', async () => {
    expect((await caught(() => openCrafted(withMetadata(nested(MAX_METADATA_DEPTH + 1))), SnapshotError)).message).toContain('levels');
    const big = { s: 'x'.repeat(MAX_METADATA_BYTES) };
    expect((await caught(() => openCrafted(withMetadata(big)), SnapshotError)).message).toContain('bytes as MessagePack');
    const longId = encode({ ...table, ids: ['i'.repeat(MAX_ID_LENGTH + 1), 'b'] });
    expect((await caught(() => openCrafted(longId), SnapshotError)).message).toContain(`at most ${MAX_ID_LENGTH}`);
    // …while exactly at the limits the same records open and work.
    const db = await openCrafted(encode({ ...table, ids: ['i'.repeat(MAX_ID_LENGTH), 'b'], metadata: [nested(MAX_METADATA_DEPTH), null] }));
    await db.update('i'.repeat(MAX_ID_LENGTH), { vector: [1, 1] });
    expect((await db.search([1, 1], { k: 1 }))[0]!.metadata).toEqual(nested(MAX_METADATA_DEPTH));
    await db.close();
  });

  test('metadata insert never accepts (MessagePack bin → Uint8Array, timestamp → Date, a sparse array): SnapshotError, so hits and get() can never share such objects with the store', async () => {
    for (const [meta, fragment] of [
      [{ bytes: new Uint8Array([1, 2, 3]) }, 'Uint8Array'],
      [{ when: new Date(0) }, 'Date'],
      [{ list: [1, new Uint8Array(2)] }, 'Uint8Array'],
    ] as const) {
      const e = await caught(() => openCrafted(withMetadata(meta)), SnapshotError);
      expect(e.message).toContain(fragment);
    }
    // Non-object settings and a malformed embedder description are rejected too.
    await caught(() => openCrafted(encode({ ...table, settings: 5 })), SnapshotError);
    await caught(() => openCrafted(encode({ ...table, settings: { storeText: false, embedder: { dim: 'x' } } })), SnapshotError);
    // A deeply nested field beside the embedder's identity used to be saved
    // again as read and make every save() fail (found by snapshot-fuzz.test.ts).
    // Only the identity fields are read (embed/identity.ts): it is dropped, and
    // the database opens, saves and reopens.
    const embedder = { kind: 'onnx', model: 'm', dim: 2, pooling: 'mean', normalize: true, maxLength: 8 };
    const deepConfig = encode({ ...table, settings: { storeText: false, embedder: { ...embedder, config: nested(150) } } }, { maxDepth: 1000 });
    const db = await openCrafted(deepConfig);
    const again = tmp.url(`resaved-${++n}.mvdb`);
    await db.save(again);
    await db.close();
    const reopened = await MiniVectorDB.open(again);
    expect(await reopened.count()).toBe(await (await openCrafted(encode(table))).count());
    await reopened.close();
    expect(MAX_METADATA_DEPTH).toBeLessThan(150);
  });
});
