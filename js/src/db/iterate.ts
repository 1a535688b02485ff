/**
 * Listing and iterating records: `ids` and `getMany` (each one call in the
 * database's queue, so one message to a worker), and `records`, an async
 * iterator built on those two for both the page database and the worker
 * proxy — iteration through a worker is one `ids` call, then one `getMany`
 * call per batch; no cursor lives in the database or the worker.
 *
 * Consistency (as Map iteration, weakly consistent): `records()` lists the
 * ids matching the filter when the iteration starts, then reads them in
 * batches as they are reached. A record deleted before its batch is read is
 * skipped; one changed before is yielded as it is then (it is not checked
 * against the filter again); records inserted after the start are not
 * yielded. Every other record is yielded exactly once.
 * @internal
 */
import { checkBoolean, checkInt, describe, readError, readOptions } from '../check.js';
import { InvalidArgumentError } from '../errors.js';
import type { GetManyOptions, IdsOptions, ListedRecord, RecordsOptions } from '../iteration-types.js';
import { checkId, copyMetadata } from '../validate.js';
import type { DbState } from './state.js';

/** Largest `batchSize`: one batch of float32 vectors stays far below the 4 GB heap at any `dim`. */
export const MAX_BATCH_SIZE = 65_536;
const DEFAULT_BATCH_SIZE = 256;

/** See `MiniVectorDB.ids`: the live ids (matching `filter`) in label order. */
export function listIds(db: DbState, options: IdsOptions | undefined): string[] {
  const { filter } = readOptions<IdsOptions>(options ?? {}, ['filter'], 'ids options');
  const ids: string[] = [];
  if (filter === undefined) {
    db.records.forEachLive((label) => ids.push(db.records.idOf(label)!));
  } else {
    for (const label of db.filters.labels(filter, db.records)) ids.push(db.records.idOf(label)!);
  }
  return ids;
}

/** See `MiniVectorDB.getMany`: the records of `ids`, in order, undefined where absent. */
export function getMany(db: DbState, ids: readonly string[], options: GetManyOptions | undefined): (ListedRecord | undefined)[] {
  const { vectors } = readOptions<GetManyOptions>(options ?? {}, ['vectors'], 'getMany options');
  const withVectors = checkBoolean(vectors, 'vectors', true);
  if (!Array.isArray(ids)) throw new InvalidArgumentError(`ids must be an array of strings, got ${describe(ids)}`);
  const list: string[] = [];
  try {
    for (let i = 0; i < ids.length; i++) list.push(checkId(ids[i], `ids[${i}]`));
  } catch (e) {
    throw readError(e, 'ids');
  }
  return list.map((id) => {
    const label = db.records.labelOf(id);
    if (label === undefined) return undefined;
    const record: ListedRecord = { id, metadata: copyMetadata(db.records.metadataOf(label)) };
    if (withVectors) record.vector = db.core.vector(label);
    const text = db.records.textOf(label);
    if (text !== undefined) record.text = text;
    return record;
  });
}

/** What `records()` reads through: a database's own `ids` and `getMany`. */
export interface RecordSource {
  ids(options?: IdsOptions): Promise<string[]>;
  getMany(ids: readonly string[], options?: GetManyOptions): Promise<(ListedRecord | undefined)[]>;
}

/**
 * See `MiniVectorDB.records`. The options are checked on the first `next()`
 * (an async generator's body starts there): a bad one rejects the first step of `for await`.
 */
export async function* iterateRecords(source: RecordSource, options: RecordsOptions | undefined): AsyncGenerator<ListedRecord, void, undefined> {
  const read = readOptions<RecordsOptions>(options ?? {}, ['filter', 'batchSize', 'vectors'], 'records options');
  const batchSize = read.batchSize === undefined ? DEFAULT_BATCH_SIZE : checkInt(read.batchSize, 'batchSize', 1, MAX_BATCH_SIZE);
  const vectors = checkBoolean(read.vectors, 'vectors', true);
  const ids = await source.ids(read.filter === undefined ? {} : { filter: read.filter });
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = await source.getMany(ids.slice(start, start + batchSize), { vectors });
    for (const record of batch) if (record !== undefined) yield record;
  }
}
