/**
 * Replaying write-ahead log records over a database just loaded from its
 * checkpoint, through the same write path as the original calls (every id,
 * vector and metadata value is checked again, as any caller's input).
 * @internal
 */
import { NotFoundError } from '../errors.js';
import type { LogRecord } from '../storage/wal/records.js';
import { cloneMetadata } from '../validate.js';
import type { DbState } from './state.js';
import { compact, deleteMany, insertMany, setMetadata } from './write.js';

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
  }
}
