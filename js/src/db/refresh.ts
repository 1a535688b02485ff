/**
 * `refresh()` of a read-only instance: the database read again from its
 * storage (checkpoint, then log replay) into a new state, swapped in by the
 * caller in one step; the old state is freed only after the swap, so a
 * refresh that fails leaves it untouched and usable.
 * @internal
 */
import type { OpenOptions } from '../option-types.js';
import { reopenDb, type OpenedDb } from './lifecycle.js';
import { readOpenOptions } from './options.js';
import type { DbState } from './state.js';

/**
 * The state of `db.storage` now. `openOptions` are those the instance was
 * opened with (undefined for `create()`): its `signal` and `onProgress`
 * belonged to that open and are not reused; its logger is `db`'s.
 * A loaded embedder of the same identity is carried over (no model reload).
 * @throws what `open()` throws (StorageError, SnapshotError, …) — `db` is unchanged.
 */
export async function readAgain(db: DbState, openOptions: OpenOptions | undefined): Promise<OpenedDb> {
  const { signal: _signal, onProgress: _onProgress, ...rest } = openOptions ?? {};
  const settings = { ...readOpenOptions(rest), logger: db.logger, autosaveMs: db.autosaveMs };
  const next = await reopenDb(db, settings);
  const same = db.text !== undefined && next.text !== undefined && JSON.stringify(db.text.info) === JSON.stringify(next.text.info);
  if (!same) return next;
  await next.text!.dispose(); // nothing loaded yet (restore is lazy)
  return { ...next, text: db.text };
}

/** Frees what `old` held after {@link readAgain}'s state replaced it (not its lock: the new state shares it). */
export async function retire(old: DbState, next: OpenedDb): Promise<void> {
  await old.journal.close().catch((e: unknown) => old.logger.warn(`closing the write-ahead log of ${old.storage} failed: ${String(e)}`));
  if (old.text !== next.text) await old.text?.dispose().catch((e: unknown) => old.logger.warn(`disposing the embedder failed: ${String(e)}`));
  old.core.dispose();
}
