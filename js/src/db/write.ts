/**
 * The write path: insert (and upsert), update, delete, compact, reorder. Each
 * function runs inside the database's call queue and changes nothing when
 * it throws.
 * @internal
 */
import { describe, readError, readOptions } from '../check.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { Filter, InsertItem, Metadata, InsertManyOptions, InsertManyResult, UpdateChanges } from '../types.js';
import { checkId, checkNewId, cloneMetadata, writeVector } from '../validate.js';
import { NO_LABEL } from '../wasm/core-index.js';
import { checkValues } from './check-values.js';
import { embedItemImages } from './images.js';
import { ImagesUnsupportedError } from '../embed/errors.js';
import type { DbState } from './state.js';
import type { CompactOptions, CompactProgress } from '../progress-types.js';
import { checkSignal, nextTask, throwIfAborted } from './abort.js';
import { guardProgress } from './progress.js';

const INSERT_MANY_KEYS = ['onProgress', 'signal'] as const;
const ITEM_KEYS = ['id', 'vector', 'text', 'image', 'metadata'] as const;
const COMPACT_KEYS = ['signal', 'onProgress'] as const;
const UPDATE_KEYS = ['vector', 'text', 'image', 'metadata'] as const;
/** Vectors handed to the core per call in insertMany (progress is reported per chunk). */
const INSERT_CHUNK = 1024;

/** See `MiniVectorDB.insertMany`. */
export async function insertMany(db: DbState, items: readonly InsertItem[], options: InsertManyOptions): Promise<InsertManyResult> {
  const { core, records, logger } = db;
  if (!Array.isArray(items)) throw new InvalidArgumentError(`items must be an array, got ${describe(items)}`);
  const { onProgress: callback, signal: signalOption } = readOptions<InsertManyOptions>(options, INSERT_MANY_KEYS, 'insertMany options');
  const signal = checkSignal(signalOption);
  // Progress is for the caller's display: a callback that throws is
  // reported to the logger and never aborts the insert, here as in a
  // worker (where the callback runs on the page) and as for the embedder's.
  const onProgress = guardProgress<[number, number, 'embed' | 'insert']>(callback, logger, 'insert');
  throwIfAborted(signal);
  let n: number;
  try {
    n = items.length; // a Proxy's trap may throw
  } catch (e) {
    throw readError(e, 'items');
  }
  const dim = core.dim;
  // Each vector is checked now (into one row of scratch) and copied only
  // chunk by chunk below: no n·dim copy of the whole batch is held in JS.
  const row = new Float32Array(dim);
  const sources: unknown[] = new Array(n);
  const ids: string[] = new Array(n);
  const metas: ReturnType<typeof cloneMetadata>[] = new Array(n);
  const texts: (string | undefined)[] = new Array(n);
  const toEmbed: number[] = []; // items given as text only
  const toEmbedImages: number[] = []; // items given as image (the vector comes from the image tower)
  const images: InsertItem['image'][] = [];
  // The call's one value check (the core's rule, through checkValues), for a
  // given vector and an embedded one alike, before anything changes: a bad
  // vector in a later chunk refuses the call with nothing added. `what`
  // names it in errors.
  const accept = (i: number, vector: unknown, what: string): void => {
    writeVector(vector, dim, row, 0, what);
    checkValues(core, row, 1, () => what);
    sources[i] = vector;
  };
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const what = `items[${i}]`;
    try {
      const item = readOptions<InsertItem>(items[i], ITEM_KEYS, what);
      const id = checkNewId(item.id, `${what}.id`);
      if (seen.has(id)) throw new InvalidArgumentError(`${what}.id ${JSON.stringify(id)} appears more than once in this call`);
      seen.add(id);
      ids[i] = id;
      const { vector, text } = item;
      if (text !== undefined && typeof text !== 'string') throw new InvalidArgumentError(`${what}.text must be a string, got ${describe(text)}`);
      texts[i] = text;
      if (vector !== undefined) {
        accept(i, vector, `${what}.vector`);
      } else if (item.image !== undefined) {
        if (db.text === undefined) throw new ImagesUnsupportedError(undefined);
        toEmbedImages.push(i);
        images.push(item.image);
      } else if (text === undefined) {
        throw new InvalidArgumentError(`${what} needs a vector, a text or an image`);
      } else if (db.text === undefined) {
        throw new InvalidArgumentError(`${what} has a text but this database has no embedder: give a vector, or create it with { embedder }`);
      } else {
        toEmbed.push(i);
      }
      metas[i] = cloneMetadata(item.metadata, `${what}.metadata`);
    } catch (e) {
      throw readError(e, what); // a vector whose getter or Proxy trap throws
    }
  }
  if (toEmbed.length > 0) {
    const embedded = await db.text!.embed(
      toEmbed.map((i) => texts[i]!),
      onProgress && ((done, total) => onProgress(done, total, 'embed')),
      signal,
    );
    toEmbed.forEach((i, j) => accept(i, embedded[j], `items[${i}].text (embedded)`));
  }
  if (toEmbedImages.length > 0) {
    const embedded = await embedItemImages(db, images, toEmbedImages, onProgress && ((done, total) => onProgress(done, total, 'embed')), signal);
    toEmbedImages.forEach((i, j) => accept(i, embedded[j], `items[${i}].image (embedded)`));
  }

  // All items are valid: insert every vector (records are mapped only
  // once all chunks are in, so a failure leaves no visible trace). The
  // core may put them in reused tombstone slots. An upsert is a new
  // vector plus a tombstone on the old one, not an in-place update
  // (hnswlib's updatePoint): the old vector survives until every new one
  // is in, and its slot goes to the next insert.
  // Room for all of them first, in one allocation per core buffer.
  const labels = new Uint32Array(n);
  const chunk = new Float32Array(Math.min(INSERT_CHUNK, n) * dim);
  // The vectors as inserted, for the write-ahead log (replay needs no embedder).
  const logged = db.journal.wantsRecord(n * dim * 4) ? new Float32Array(n * dim) : undefined;
  let done = 0;
  try {
    // Embedding ended between batches, or before the insert starts: nothing has changed yet.
    throwIfAborted(signal);
    if (n > 0) core.reserveForAdd(n);
    while (done < n) {
      // Between chunks, with a signal, the thread takes its other tasks (an
      // abort, or a worker's abort message, can only arrive then); an abort
      // is thrown here and the catch undoes the chunks in.
      if (done > 0 && signal !== undefined) {
        await nextTask();
        throwIfAborted(signal);
      }
      const m = Math.min(INSERT_CHUNK, n - done);
      // Checked above; the shape again as copied and the values by the
      // core's add, in case a caller changed an array while the texts were
      // being embedded (the catch undoes the chunks in).
      try {
        for (let j = 0; j < m; j++) writeVector(sources[done + j], dim, chunk, j * dim, `items[${done + j}].vector`);
      } catch (e) {
        throw readError(e, 'items'); // a vector whose getter or Proxy trap throws
      }
      labels.set(core.add(chunk.subarray(0, m * dim), m, (j) => `items[${done + j}].vector`), done);
      logged?.set(chunk.subarray(0, m * dim), done * dim);
      done += m;
      onProgress?.(done, n, 'insert');
    }
    throwIfAborted(signal); // e.g. by the last progress callback: the records are not mapped yet
  } catch (e) {
    // A failed chunk undid itself in the core; earlier chunks are undone here.
    for (let i = 0; i < done; i++) core.markDeleted(labels[i]!);
    throw e;
  }
  let updated = 0;
  db.filters.invalidate();
  for (let i = 0; i < n; i++) {
    const old = records.labelOf(ids[i]!);
    if (old !== undefined) {
      core.markDeleted(old);
      db.lexical?.remove(old);
      updated++;
    }
    records.set(labels[i]!, ids[i]!, metas[i], db.storeText ? texts[i] : undefined);
    db.lexical?.set(labels[i]!, records.textOf(labels[i]!), metas[i]);
  }
  db.changed(() => ({
    op: 'insert',
    dim,
    vectors: logged ?? new Float32Array(0),
    items: ids.map((id, i) => {
      const text = db.storeText ? texts[i] : undefined;
      return text === undefined ? { id, metadata: metas[i] ?? null } : { id, metadata: metas[i] ?? null, text };
    }),
  }));
  return { inserted: n - updated, updated };
}

/** See `MiniVectorDB.update`. */
export async function update(db: DbState, id: string, changes: UpdateChanges): Promise<void> {
  checkId(id);
  const { vector, text, image, metadata } = readOptions<UpdateChanges>(changes, UPDATE_KEYS, 'changes');
  if (vector === undefined && text === undefined && image === undefined && metadata === undefined) {
    throw new InvalidArgumentError('changes needs at least one of vector, text, image, metadata');
  }
  const label = db.records.labelOf(id);
  if (label === undefined) throw new NotFoundError(id);
  if (vector === undefined && text === undefined && image === undefined) {
    const meta = cloneMetadata(metadata, 'changes.metadata');
    setMetadata(db, label, meta);
    db.changed(() => ({ op: 'metadata', id, metadata: meta ?? null }));
    return;
  }
  // insertMany clones (and checks) the metadata, the stored one included.
  const item: InsertItem = { id, metadata: metadata ?? db.records.metadataOf(label) };
  if (vector !== undefined) item.vector = vector;
  if (text !== undefined) item.text = text;
  if (image !== undefined) item.image = image;
  await insertMany(db, [item], {});
}

/** Replaces the metadata of the live record at `label` (checked and cloned already). */
export function setMetadata(db: DbState, label: number, metadata: Metadata | undefined): void {
  db.records.setMetadata(label, metadata);
  db.lexical?.set(label, db.records.textOf(label), db.records.metadataOf(label));
  db.filters.invalidate();
}

/** Tombstones the live records among `ids` (already validated); returns how many. */
export function deleteIds(db: DbState, ids: readonly string[]): number {
  const deleted: string[] = [];
  for (const id of ids) {
    const label = db.records.labelOf(id);
    if (label === undefined) continue;
    db.core.markDeleted(label);
    db.records.remove(id);
    db.lexical?.remove(label);
    deleted.push(id);
  }
  if (deleted.length > 0) db.changed(() => ({ op: 'delete', ids: deleted }));
  return deleted.length;
}

/** See `MiniVectorDB.delete`. */
export function deleteOne(db: DbState, id: string): boolean {
  return deleteIds(db, [checkId(id)]) === 1;
}

/** See `MiniVectorDB.deleteMany`. */
export function deleteMany(db: DbState, ids: readonly string[]): number {
  if (!Array.isArray(ids)) throw new InvalidArgumentError(`ids must be an array of strings, got ${describe(ids)}`);
  for (let i = 0; i < ids.length; i++) checkId(ids[i], `ids[${i}]`);
  return deleteIds(db, ids);
}

/** See `MiniVectorDB.deleteByFilter`. */
export function deleteByFilter(db: DbState, filter: Filter): number {
  if (filter === undefined) throw new InvalidArgumentError('deleteByFilter needs a filter ({} deletes every record)');
  const ids = db.filters.labels(filter, db.records).map((label) => db.records.idOf(label)!);
  return deleteIds(db, ids);
}

/** Every label-keyed structure follows the core's old → new label map (`NO_LABEL`: dropped) after a compaction or a reorder. */
function followRemap(db: DbState, remap: Uint32Array): void {
  db.filters.invalidate();
  db.records.remap(remap, NO_LABEL, db.core.size);
  db.lexical?.remap(remap, NO_LABEL);
}

/** See `MiniVectorDB.compact`. */
export function compact(db: DbState, options: CompactOptions = {}): number {
  const { core } = db;
  const { signal: signalOption, onProgress: callback } = readOptions<CompactOptions>(options, COMPACT_KEYS, 'compact options');
  const signal = checkSignal(signalOption);
  const onProgress = guardProgress<[CompactProgress]>(callback, db.logger, 'compaction');
  // The rebuild is one synchronous core call, built beside the old index and
  // swapped in whole: the last moment an abort can leave everything as it was.
  throwIfAborted(signal);
  const reclaimed = core.deletedCount;
  const live = core.size - reclaimed;
  if (reclaimed === 0) return 0;
  onProgress?.({ phase: 'rebuild', done: 0, total: live });
  followRemap(db, core.compact());
  db.changed(() => ({ op: 'compact' }));
  db.logger.debug(`compacted: ${reclaimed} tombstones reclaimed, ${core.size} live records`);
  onProgress?.({ phase: 'rebuild', done: live, total: live });
  return reclaimed;
}

/** See `MiniVectorDB.reorder`. */
export function reorder(db: DbState): void {
  const { core } = db;
  followRemap(db, core.reorder()); // a permutation: no label dropped
  db.changed(() => ({ op: 'reorder' }));
  db.logger.debug(`reordered ${core.size} labels for locality`);
}
