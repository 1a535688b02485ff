/**
 * Fuzzing of the TypeScript side of a snapshot: the USER section, decoded in
 * JS (MessagePack of ids, metadata, texts and settings), seeded with real
 * snapshots made here (vectors and metadata with a tombstone; int8 cosine;
 * the default text model with stored texts). Each case mutates the decoded
 * table (a node replaced, removed or added, with values insert never
 * accepts among them: Uint8Array, Date, deep nesting, over-long strings) or
 * the payload's bytes, recomputes the section's CRC-32 so the mutation
 * reaches the decoder, and opens it. Either open throws a MiniVectorDBError,
 * or the database works: count, get of every id, search (plain, exact,
 * filtered), an update, save and a reopen. Anything else — an untyped
 * error, a hang, a crash — fails the test.
 *
 * Runs for MVDB_TS_FUZZ_SECONDS (default 20) in `npm test`, as the native
 * fuzzer runs for a bounded time; MVDB_TS_FUZZ_SEED replays a run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, MiniVectorDBError } from 'minivectordb';
import { randomVectors, tempDir } from './helpers.js';
import { userPayload, withUser } from './snapshot-bytes.js';

const SECONDS = Number(process.env.MVDB_TS_FUZZ_SECONDS ?? 20);
const SEED = process.env.MVDB_TS_FUZZ_SEED === undefined ? undefined : Number(process.env.MVDB_TS_FUZZ_SEED);

interface Seed {
  name: string;
  bytes: Uint8Array;
  table: Record<string, unknown>;
  dim: number;
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
const seeds: Seed[] = [];

async function makeSeed(name: string, db: MiniVectorDB): Promise<void> {
  const url = tmp.url(`${name}.mvdb`);
  await db.save(url);
  const bytes = new Uint8Array(await readFile(new URL(url)));
  seeds.push({ name, bytes, table: decode(userPayload(bytes)) as Record<string, unknown>, dim: db.dim });
  await db.close();
}

beforeAll(async () => {
  tmp = await tempDir();
  const vectors = randomVectors(40, 8, 3);
  const plain = await MiniVectorDB.create({ dim: 8, M: 4, efConstruction: 16, seed: 1 });
  await plain.insertMany(
    vectors.map((vector, i) => ({
      id: i % 7 === 0 ? `ü-${i}-🙂` : `r${i}`,
      vector,
      ...(i % 5 === 0 ? {} : { metadata: { i, tag: ['a', 'b', 'c'][i % 3]!, nested: { list: [i, 'x', null, { y: i % 2 === 0 }] }, f: i / 3 } }),
    })),
  );
  await plain.delete('r3');
  await makeSeed('plain', plain);
  const int8 = await MiniVectorDB.create({ dim: 8, metric: 'cosine', quantization: 'int8', M: 4, seed: 2 });
  await int8.insertMany(vectors.slice(0, 20).map((vector, i) => ({ id: `q${i}`, vector, metadata: { i } })));
  await makeSeed('int8', int8);
  const text = await MiniVectorDB.create({ storeText: true, M: 4 }); // the built-in wordnet-256 model: settings + texts
  await text.insertMany(['red apple', 'green pear', 'blue sky', 'fast car'].map((t, i) => ({ id: `t${i}`, text: t, metadata: { i } })));
  await makeSeed('text', text);
});
afterAll(() => tmp.cleanup());

/** Values to plant in the table: JSON-like ones and those MessagePack carries but insert refuses. */
const planted: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, 0, -1, 1.5, '', 'r1', 'r2', true, [], {}, { __proto__: null }),
  fc.uint8Array({ maxLength: 8 }),
  fc.date({ noInvalidDate: true }),
  fc.oneof(fc.integer({ min: 30, max: 40 }), fc.integer({ min: 90, max: 200 })).map((levels) => {
    let m: unknown = { leaf: 1 };
    for (let i = 1; i < levels; i++) m = { a: m };
    return m;
  }),
  fc.constantFrom('x'.repeat(16_385), 'x'.repeat(1 << 20)),
  fc.array(fc.oneof(fc.string(), fc.constant(null)), { maxLength: 45 }),
);

/** Every node of the table (container or leaf) as a parent and key, for replacing, deleting or adding. */
function nodes(root: unknown): { parent: Record<string | number, unknown> | unknown[]; key: string | number }[] {
  const out: { parent: Record<string | number, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array || v instanceof Date || depth > 8) return;
    for (const [k, x] of Object.entries(v)) {
      out.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(x, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

const tableMutation = fc.record({
  pick: fc.nat(),
  action: fc.constantFrom('replace', 'delete', 'add', 'swap'),
  value: planted,
  other: fc.nat(),
});
const byteMutation = fc.array(
  fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'set', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) }),
  { minLength: 1, maxLength: 6 },
);
const mutation = fc.record({
  seed: fc.nat(),
  table: fc.array(tableMutation, { maxLength: 4 }),
  bytes: fc.option(byteMutation, { freq: 3 }),
});

function applyTable(table: Record<string, unknown>, muts: fc.RecordValue<{ pick: number; action: string; value: unknown; other: number }>[]): Uint8Array {
  const t = structuredClone(table);
  for (const m of muts) {
    const all = nodes(t);
    if (all.length === 0) break;
    const { parent, key } = all[m.pick % all.length]!;
    const p = parent as Record<string | number, unknown>;
    const value = structuredClone(m.value); // planted constants must not be changed by later mutations
    if (m.action === 'replace') p[key] = value;
    else if (m.action === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
    } else if (m.action === 'add') {
      if (Array.isArray(parent)) parent.push(value);
      else p[`k${m.other % 5}`] = value;
    } else {
      const { parent: q, key: k2 } = all[m.other % all.length]!;
      const qq = q as Record<string | number, unknown>;
      [p[key], qq[k2]] = [qq[k2], p[key]];
    }
  }
  return encode(t, { maxDepth: 1000 });
}

function applyBytes(payload: Uint8Array, muts: { at: number; kind: string; byte: number }[]): Uint8Array {
  const b = Array.from(payload);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip') b[at] = (b[at] ?? 0) ^ (1 << (m.byte & 7));
    else if (m.kind === 'set') b[at] = m.byte;
    else if (m.kind === 'insert') b.splice(at, 0, m.byte);
    else b.splice(at, 1);
  }
  return Uint8Array.from(b);
}

/** Changes every object, array, Uint8Array and Date inside `v`. */
function scribble(v: unknown, depth = 0): void {
  if (typeof v !== 'object' || v === null || depth > 300) return;
  if (v instanceof Uint8Array) v.fill(7);
  else if (v instanceof Date) v.setTime(12345);
  else if (Array.isArray(v)) {
    for (const x of v) scribble(x, depth + 1);
    v.push('scribbled');
  } else {
    for (const x of Object.values(v)) scribble(x, depth + 1);
    (v as Record<string, unknown>).scribbled = true;
  }
}

/** Metadata of the current case as first read (before any scribbling), by id. */
const reference = new Map<string, unknown>();

/** Opens `bytes`; a typed error is a pass, a database must then work end to end. */
async function check(bytes: Uint8Array, dim: number, n: number): Promise<'rejected' | 'opened'> {
  const url = tmp.url(`case-${n}.mvdb`);
  await writeFile(new URL(url), bytes);
  let db: MiniVectorDB;
  try {
    db = await MiniVectorDB.open(url);
  } catch (e) {
    if (e instanceof MiniVectorDBError) return 'rejected';
    throw e;
  }
  try {
    const count = await db.count();
    reference.clear();
    for (const h of await db.search(new Float32Array(dim).fill(0.5), { k: 50 })) reference.set(h.id, structuredClone(h.metadata));
    const q = new Float32Array(dim).fill(0.5);
    const hits = await db.search(q, { k: 50 });
    expect(hits.length).toBe(count);
    for (const h of hits) {
      const got = await db.get(h.id);
      expect(got?.metadata).toEqual(h.metadata);
      // Hits and get() share nothing with the store: scribbling on both leaves it unchanged.
      scribble(h.metadata);
      scribble(got?.metadata);
      const fresh = (await db.get(h.id))?.metadata;
      expect(fresh).toEqual(reference.get(h.id));
      // What open gives back, update accepts again.
      if (fresh !== undefined) await db.update(h.id, { metadata: fresh });
    }
    await db.search(q, { k: 3, exact: true, filter: { tag: 'a' } });
    await db.count({ 'nested.list.0': { $gte: 0 } });
    if (hits.length > 0) {
      await db.update(hits[0]!.id, { vector: q });
      await db.update(hits[0]!.id, { metadata: { changed: true } });
    }
    const again = tmp.url(`case-${n}-saved.mvdb`);
    await db.save(again);
    const reopened = await MiniVectorDB.open(again);
    expect(await reopened.count()).toBe(count);
    await reopened.close();
  } finally {
    await db.close();
  }
  return 'opened';
}

describe('TypeScript snapshot fuzzer (USER section: ids, metadata, texts, settings)', () => {
  test(
    `mutated real snapshots open into a working database or throw a MiniVectorDBError (${SECONDS} s)`,
    async () => {
      expect(seeds.map((s) => s.name)).toEqual(['plain', 'int8', 'text']);
      // Unmutated seeds open and work.
      for (const s of seeds) expect(await check(s.bytes, s.dim, -seeds.indexOf(s) - 1)).toBe('opened');
      const outcomes = { rejected: 0, opened: 0 };
      let n = 0;
      // The time limit interrupts fast-check's wait, not the case in flight:
      // that one is awaited below (and fails the test if it fails).
      let inFlight: Promise<void> = Promise.resolve();
      await fc.assert(
        fc.asyncProperty(mutation, (m) => {
          const s = seeds[m.seed % seeds.length]!;
          inFlight = (async () => {
            let payload = m.table.length > 0 ? applyTable(s.table, m.table) : userPayload(s.bytes);
            if (m.bytes !== null) payload = applyBytes(payload, m.bytes);
            outcomes[await check(withUser(s.bytes, payload), s.dim, n++)]++;
          })();
          return inFlight;
        }),
        { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      await inFlight;
      console.info(`TypeScript snapshot fuzzer: ${n} cases in ${SECONDS} s, ${outcomes.opened} opened and worked, ${outcomes.rejected} rejected with a MiniVectorDBError`);
      // Both outcomes were reached: the mutations get past the checksums and the decoder.
      expect(outcomes.rejected).toBeGreaterThan(10);
      expect(outcomes.opened).toBeGreaterThan(10);
    },
    (SECONDS + 120) * 1000,
  );
});
