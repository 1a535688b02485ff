/**
 * A database's snapshot: its core index streamed with the records, text
 * settings and postings as the USER section. The one place that builds what
 * a save writes; `serialize()` collects the same chunks into one buffer.
 * @internal
 */
import { asTypedError } from '../errors.js';
import type { TextSettings } from '../text.js';
import type { CoreIndex } from '../wasm/core-index.js';
import type { DbState } from './state.js';

/** The snapshot of `db` as chunks (see `CoreIndex.serializeChunks`; the caller closes it). */
export function snapshotOf(db: DbState): ReturnType<CoreIndex['serializeChunks']> {
  const settings: TextSettings = {
    storeText: db.storeText,
    ...(db.text === undefined ? {} : { embedder: db.text.info }),
    textIndex: db.lexical?.settings ?? false,
    ...(db.lexical === undefined ? {} : { textPostings: db.lexical.stored() }),
  };
  // The log position the snapshot covers: replay skips the records at or below it (`journal.ts`).
  // Position 0 (nothing ever logged) is left out, as a missing one reads as 0: a database that
  // never logged writes the bytes it wrote before the log existed.
  const { position } = db.journal;
  return db.core.serializeChunks(db.records.encode(db.core.size, position.seq === 0 ? settings : { ...settings, log: position }));
}

/** The snapshot of `db` in one new buffer (the bytes `save()` writes). */
export function serializeDb(db: DbState): Uint8Array {
  let snapshot: ReturnType<typeof snapshotOf> | undefined;
  try {
    snapshot = snapshotOf(db);
    const out = new Uint8Array(snapshot.byteLength);
    let at = 0;
    for (const chunk of snapshot.chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  } catch (e) {
    throw asTypedError(e, 'cannot serialize the database'); // e.g. no room for the buffer
  } finally {
    snapshot?.close();
  }
}
