/**
 * Replaying write-ahead log records over a database just loaded from its
 * checkpoint, through the same write path as the original calls (every id,
 * vector and metadata value is checked again, as any caller's input).
 *
 * Consecutive small insert records are grouped into one core add
 * (`replay-batch.ts`) where that gives the index that replaying them one
 * by one gives, bit for bit; every other record, and any group the batch
 * path refuses, goes through {@link applyRecord}.
 * @internal
 */
import { NotFoundError } from '../errors.js';
import type { LogRecord } from '../storage/wal/records.js';
import { cloneMetadata } from '../validate.js';
import { applyInsertRun, batchRules, type InsertRecord } from './replay-batch.js';
import type { DbState } from './state.js';
import { compact, deleteMany, insertMany, reorder, setMetadata } from './write.js';

/** Applies one record to `db` (whose `changed` must not log again). @throws as the write it replays. */
export async function applyRecord(db: DbState, r: LogRecord): Promise<void> {
  switch (r.op) {
    case 'insert': {
      const { dim, vectors } = r;
      await insertMany(
        db,
        r.items.map((it, i) => ({
          id: it.id,
          vector: vectors.subarray(i * dim, (i + 1) * dim),
          ...(it.metadata === null ? {} : { metadata: it.metadata }),
          ...(it.text === undefined ? {} : { text: it.text }),
        })),
        {},
      );
      return;
    }
    case 'metadata': {
      const label = db.records.labelOf(r.id);
      if (label === undefined) throw new NotFoundError(r.id);
      setMetadata(db, label, cloneMetadata(r.metadata ?? undefined, 'logged metadata'));
      return;
    }
    case 'delete':
      deleteMany(db, r.ids);
      return;
    case 'compact':
      compact(db);
      return;
    case 'reorder':
      reorder(db);
      return;
  }
}

/** What {@link replayRecords} did: the first `applied` records are in; `error` is why the next one is not. */
export interface ReplayOutcome {
  applied: number;
  error?: unknown;
  /** Records applied in groups, and the core adds those took. */
  grouped: { records: number; adds: number };
}

/**
 * Applies `records` in order to `db` (whose `changed` must not log again),
 * stopping at the first record the write path refuses; `between(done)` runs
 * before each group or lone record. The result equals
 * applying each with {@link applyRecord}: same labels, graph, tombstones,
 * fresh list, ids and metadata.
 */
export async function replayRecords(
  db: DbState,
  records: readonly LogRecord[],
  between?: (done: number) => Promise<void> | void,
): Promise<ReplayOutcome> {
  reserveForInserts(db, records);
  const rules = batchRules(db);
  const grouped = { records: 0, adds: 0 };
  let i = 0;
  while (i < records.length) {
    // The caller's hook (abort checks, progress) runs between steps, outside the record's try: what it throws is not the record's fault.
    await between?.(i);
    const run = rules.run(records, i);
    if (run.length > 1 && applyInsertRun(db, run as InsertRecord[])) {
      i += run.length;
      grouped.records += run.length;
      grouped.adds++;
      continue;
    }
    // One record alone (or a group the batch path refused, which changed nothing): the write path names any fault.
    const end = i + Math.max(run.length, 1);
    for (; i < end; i++) {
      try {
        await applyRecord(db, records[i]!);
      } catch (error) {
        return { applied: i, error, grouped };
      }
    }
  }
  return { applied: records.length, grouped };
}

/**
 * Room for every vector the log inserts, in one allocation per core buffer
 * (rather than doubling as the replay goes). Only a hint: when the memory is
 * not there, replay runs anyway and the insert that needs it reports it.
 */
function reserveForInserts(db: DbState, records: readonly LogRecord[]): void {
  let n = 0;
  for (const r of records) if (r.op === 'insert') n += r.items.length;
  if (n === 0) return;
  try {
    db.core.reserveForAdd(Math.min(n, 0xffffffff - db.core.size - 1));
  } catch (e) {
    db.logger.debug(`no room reserved for the ${n} logged inserts: ${String(e)}`);
  }
}
