/**
 * Public types of listing and iterating a database's records
 * (`ids`, `getMany`, `records`; see `db/iterate.ts`). Types only.
 */
import type { Filter, StoredRecord } from './types.js';

/** Options of {@link VectorDatabase.ids}. */
export interface IdsOptions {
  /** Only the ids whose metadata match (see {@link Filter}); default: every live record. */
  filter?: Filter;
}

/** Options of {@link VectorDatabase.getMany}. */
export interface GetManyOptions {
  /** Include each record's vector (a copy); default `true`. `false` skips reading and copying `dim`·4 bytes per record. */
  vectors?: boolean;
}

/** Options of {@link VectorDatabase.records}. */
export interface RecordsOptions extends IdsOptions, GetManyOptions {
  /** Records read per call into the database (per message to a worker); an integer in [1, 65536], default 256. */
  batchSize?: number;
}

/** A record as listed by `getMany` and `records`: {@link StoredRecord}, its `vector` absent with `vectors: false`. */
export type ListedRecord = Omit<StoredRecord, 'vector'> & { vector?: Float32Array };
