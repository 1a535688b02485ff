/**
 * Grouping logged inserts for replay: a run of consecutive small insert
 * records goes to the core as ONE add, which costs one Embind call, one
 * reservation and one copy instead of one of each per record, and gives the
 * index that adding them record by record gives. That holds exactly when
 * nothing in `Index::Add` depends on where a call starts or ends:
 *
 * - slot reuse: an add fills tombstoned slots (lowest first) with the last
 *   vectors of the call, so a run starts only when the index has no
 *   tombstone, and ends after the first record that replaces an existing id
 *   (its old label becomes a tombstone the next add would reuse);
 * - the fresh list records the labels of adds of at most `kFreshMaxBatch`
 *   vectors: a run holds at most that many, from records of at most that
 *   many (each of which the original call recorded);
 * - the dimension order is learned by the add that reaches `kOrderSample`
 *   vectors: a run never crosses that count;
 * - an int8 quantizer refits after every add while it learns: runs are for
 *   unquantized indexes only.
 *
 * Levels are drawn from the index's PRNG in insertion order either way.
 * Every id, metadata value, text and vector is checked as `insertMany`
 * checks it (the core checks the vectors); a run with any fault changes
 * nothing and is replayed record by record, so the fault is reported for the
 * record that holds it.
 * @internal
 */
import type { LogRecord } from '../storage/wal/records.js';
import type { Metadata } from '../types.js';
import { checkNewId, cloneMetadata } from '../validate.js';
import type { DbState } from './state.js';

export type InsertRecord = Extract<LogRecord, { op: 'insert' }>;

/** The grouping rules of one database (constants read once). */
export interface BatchRules {
  /** The records from `start` that form a run (length 0 or 1: replay `records[start]` alone). */
  run(records: readonly LogRecord[], start: number): readonly LogRecord[];
}

export function batchRules(db: DbState): BatchRules {
  const { core } = db;
  const { freshMaxBatch, orderSample } = core.constants;
  const unquantized = core.config().quantization === 'none';
  return {
    run(records, start) {
      if (!unquantized || core.deletedCount > 0) return records.slice(start, start + 1);
      const size = core.size;
      const live = new Set<string>(); // ids this run inserts
      let total = 0;
      let end = start;
      while (end < records.length) {
        const r = records[end]!;
        if (r.op !== 'insert' || r.items.length > freshMaxBatch || total + r.items.length > freshMaxBatch) break;
        const after = size + total + r.items.length;
        if (size < orderSample && after >= orderSample) break; // this add learns the order: not inside a run
        total += r.items.length;
        end++;
        // A replaced id leaves a tombstone the next add would reuse: the run ends with this record.
        if (r.items.some((it) => live.has(it.id) || db.records.labelOf(it.id) !== undefined)) break;
        for (const it of r.items) live.add(it.id);
      }
      return records.slice(start, Math.max(end, start + 1));
    },
  };
}

/**
 * Applies a run of insert records (see the file comment) as one core add.
 * @returns false when any record would be refused (nothing changed then):
 *   the caller replays them one by one, which reports the fault.
 */
export function applyInsertRun(db: DbState, run: readonly InsertRecord[]): boolean {
  const { core, records } = db;
  const dim = core.dim;
  let n = 0;
  // Checked first, as insertMany checks each call's items.
  const metas: (Metadata | undefined)[][] = [];
  try {
    for (const r of run) {
      if (r.dim !== dim) return false;
      const seen = new Set<string>();
      for (const it of r.items) {
        checkNewId(it.id);
        if (seen.has(it.id)) return false;
        seen.add(it.id);
      }
      metas.push(r.items.map((it) => cloneMetadata(it.metadata ?? undefined)));
      n += r.items.length;
    }
  } catch {
    return false;
  }
  const vectors = new Float32Array(n * dim);
  let at = 0;
  for (const r of run) {
    vectors.set(r.vectors, at);
    at += r.vectors.length;
  }
  let labels: Uint32Array;
  try {
    labels = core.add(vectors, n); // all-or-nothing; checks every vector
  } catch {
    return false;
  }
  // Then each record's own bookkeeping, in order: what insertMany does after its adds.
  let next = 0;
  run.forEach((r, k) => {
    db.filters.invalidate();
    r.items.forEach((it, j) => {
      const label = labels[next++]!;
      const old = records.labelOf(it.id);
      if (old !== undefined) {
        core.markDeleted(old);
        db.lexical?.remove(old);
      }
      const meta = metas[k]![j];
      records.set(label, it.id, meta, db.storeText ? it.text : undefined);
      db.lexical?.set(label, records.textOf(label), meta);
    });
  });
  return true;
}
