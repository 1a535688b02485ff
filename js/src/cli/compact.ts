/**
 * `minivectordb compact <db.mvdb>`: rebuilds the index without the
 * tombstones of deleted and replaced records (`db.compact()`) and saves the
 * snapshot in place (atomically: the old file stays until the new one is complete).
 * @internal
 */
import { parseCommand, storageUrl } from './args.js';
import { openDatabase } from './database.js';
import { out, outJson, progress } from './output.js';

export const COMPACT_USAGE = `minivectordb compact <db.mvdb> [--json]

Reclaims the space of deleted and replaced records and saves the snapshot
in place (atomic: the old file stays until the new one is written).`;

/** Runs the command; returns the exit code. */
export async function compactCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' } }, ['db.mvdb']);
  if (values.help === true) {
    out(COMPACT_USAGE);
    return 0;
  }
  const db = await openDatabase(storageUrl(positionals[0]!), {}, 'write');
  try {
    const before = db.stats().slots;
    // Bars from the library's progress events: records rebuilt, then snapshot bytes written.
    const rebuild = progress('compact', db.size, 'records');
    const reclaimed = await db.compact({ onProgress: (e) => rebuild.update(e.done, e.total) }).finally(() => rebuild.stop());
    if (reclaimed > 0) {
      const write = progress('save', 0, 'bytes');
      await db.save(undefined, { onProgress: (e) => write.update(e.done, e.total) }).finally(() => write.stop());
    }
    const summary = { reclaimed, slotsBefore: before, slots: db.stats().slots, count: db.size };
    if (values.json === true) outJson(summary);
    else out(reclaimed === 0 ? `${positionals[0]}: nothing to reclaim (${db.size} records)` : `${positionals[0]}: reclaimed ${reclaimed} slots, ${db.size} records`);
    return 0;
  } finally {
    await db.close();
  }
}
