// A seeded mixed write workload (insert, upsert, update, delete,
// deleteByFilter, compact, save) and an independent reference model of what
// the database must hold after a prefix of it. Shared by the write-ahead log
// tests (tests/js/wal*.test.ts), the crash-trial child process and the
// durability bench (bench/durability.mjs).
import { mulberry32 } from './prng.mjs';

/** float32-exact random vector as a plain array (survives JSON). */
function vector(rng, dim) {
  return Array.from({ length: dim }, () => Math.fround(rng() * 2 - 1));
}

/**
 * `count` operations, deterministic in `seed`. Each is a plain object:
 * { kind: 'insert', items: [{ id, vector, metadata }] } (an existing id is an upsert),
 * { kind: 'update', id, metadata } | { kind: 'updateVector', id, vector },
 * { kind: 'delete', id }, { kind: 'deleteByFilter', filter: { g } }, { kind: 'compact' }, { kind: 'save' }.
 * `saves: false` leaves out the save operations.
 */
export function workload(seed, count, dim, { saves = true } = {}) {
  const rng = mulberry32(seed);
  const ref = new Reference(); // what is live after the operations so far
  let next = 0;
  const pick = () => {
    const ids = [...ref.records.keys()];
    return ids[Math.floor(rng() * ids.length)];
  };
  const ops = [];
  while (ops.length < count) {
    const r = rng();
    let op;
    if (r < 0.45 || ref.records.size < 3) {
      const n = 1 + Math.floor(rng() * 3);
      const items = [];
      for (let i = 0; i < n; i++) {
        const id = rng() < 0.15 && ref.records.size > 0 ? pick() : `r${next++}`;
        if (items.some((it) => it.id === id)) continue;
        items.push({ id, vector: vector(rng, dim), metadata: { g: Math.floor(rng() * 8), n: next, tag: rng() < 0.5 ? 'a' : 'b' } });
      }
      op = { kind: 'insert', items };
    } else if (r < 0.6) {
      op = { kind: 'update', id: pick(), metadata: { g: Math.floor(rng() * 8), edited: true } };
    } else if (r < 0.7) {
      op = { kind: 'updateVector', id: pick(), vector: vector(rng, dim) };
    } else if (r < 0.85) {
      op = { kind: 'delete', id: pick() };
    } else if (r < 0.9) {
      op = { kind: 'deleteByFilter', filter: { g: Math.floor(rng() * 8), tag: 'b' } };
    } else if (r < 0.95) {
      op = { kind: 'compact' };
    } else if (saves) {
      op = { kind: 'save' };
    } else {
      continue;
    }
    ref.apply(op);
    ops.push(op);
  }
  return ops;
}

/** Runs one operation on a database (MiniVectorDB or a worker proxy). */
export async function applyTo(db, op) {
  switch (op.kind) {
    case 'insert':
      return db.insertMany(op.items.map((it) => ({ id: it.id, vector: it.vector, metadata: it.metadata })));
    case 'update':
      return db.update(op.id, { metadata: op.metadata });
    case 'updateVector':
      return db.update(op.id, { vector: op.vector });
    case 'delete':
      return db.delete(op.id);
    case 'deleteByFilter':
      return db.deleteByFilter(op.filter);
    case 'compact':
      return db.compact();
    case 'save':
      return db.save();
  }
  throw new Error(`unknown op ${op.kind}`);
}

const matches = (meta, filter) => meta != null && Object.entries(filter).every(([k, v]) => meta[k] === v);

/** What the database must hold: id → { vector, metadata }, by plain Map operations. */
export class Reference {
  records = new Map();

  apply(op) {
    switch (op.kind) {
      case 'insert':
        for (const it of op.items) this.records.set(it.id, { vector: it.vector, metadata: it.metadata });
        break;
      case 'update': {
        const r = this.records.get(op.id);
        if (r) r.metadata = op.metadata;
        break;
      }
      case 'updateVector': {
        const r = this.records.get(op.id);
        if (r) this.records.set(op.id, { vector: op.vector, metadata: r.metadata });
        break;
      }
      case 'delete':
        this.records.delete(op.id);
        break;
      case 'deleteByFilter':
        for (const [id, r] of this.records) if (matches(r.metadata, op.filter)) this.records.delete(id);
        break;
    }
    return this;
  }

  static after(ops) {
    const ref = new Reference();
    for (const op of ops) ref.apply(op);
    return ref;
  }
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Differences between `db` and `ref` (empty when equal): the live count,
 * every record's vector (float32-exact) and metadata, and exact top-k
 * searches against brute force (L2) over the reference. At most `max` listed.
 */
export async function differences(db, ref, { queries = 5, k = 10, seed = 99, max = 10 } = {}) {
  const out = [];
  const n = await db.count();
  if (n !== ref.records.size) out.push(`count ${n}, reference ${ref.records.size}`);
  for (const [id, r] of ref.records) {
    if (out.length >= max) return out;
    const got = await db.get(id);
    if (got === undefined) out.push(`${id} missing`);
    else if (!sameJson(Array.from(got.vector), r.vector)) out.push(`${id}: vector differs`);
    else if (!sameJson(got.metadata ?? null, r.metadata ?? null)) out.push(`${id}: metadata ${JSON.stringify(got.metadata)} != ${JSON.stringify(r.metadata)}`);
  }
  const rng = mulberry32(seed);
  const entries = [...ref.records];
  const dim = db.dim;
  for (let q = 0; q < queries && entries.length > 0; q++) {
    const query = Array.from({ length: dim }, () => Math.fround(rng() * 2 - 1));
    const truth = entries
      .map(([id, r]) => ({ id, d: r.vector.reduce((s, x, j) => s + (x - query[j]) ** 2, 0) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, k)
      .map((h) => h.id);
    const hits = (await db.search(query, { k, exact: true })).map((h) => h.id);
    if (!sameJson(hits, truth)) out.push(`query ${q}: exact top-${k} ${hits.join(',')} != brute force ${truth.join(',')}`);
  }
  return out;
}
