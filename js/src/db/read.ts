/**
 * The read path: search (vector, text and hybrid modes), searchBatch, get,
 * count and stats. Each function runs inside the database's call queue
 * (stats excepted: it reads counters only).
 * @internal
 */
import { checkBoolean, checkInt, checkKnownKeys, checkObject, describe, readError, readOptions } from '../check.js';
import { InvalidArgumentError } from '../errors.js';
import { checkTextWeight, searchTexts, textSearchMode } from '../lexical/search.js';
import type { Query } from '../vector-database.js';
import type { Filter, SearchHit, SearchOptions, Stats, StoredRecord } from '../types.js';
import { checkId, copyMetadata, writeVector } from '../validate.js';
import type { CoreIndex, LabelBitset } from '../wasm/core-index.js';
import { heapBytes } from '../wasm/heap-size.js';
import { embedQueryImage, embedQueryImages } from './images.js';
import { checkSignal, throwIfAborted } from './abort.js';
import { imageOfQuery } from '../embed/image/input.js';
import type { DbState } from './state.js';

const SEARCH_KEYS = ['k', 'efSearch', 'filter', 'exact', 'mode', 'textWeight', 'signal'] as const;
/** See `MiniVectorDB.search`. */
export async function search(db: DbState, query: Query, searchOptions: SearchOptions): Promise<SearchHit[]> {
  const { core } = db;
  const options = readSearchOptions(searchOptions);
  const texts = typeof query === 'string' ? await textModes(db, [query], options) : vectorMode(db, options);
  if (texts !== undefined) return texts[0]!;
  const q = new Float32Array(core.dim);
  const image = imageOfQuery(query);
  const [vector] = typeof query === 'string' ? await embedQueries(db, [query], options) : image !== undefined ? [await embedQueryImage(db, image, options.signal)] : [query];
  try {
    writeVector(vector, core.dim, q, 0, 'query');
  } catch (e) {
    throw readError(e, 'query');
  }
  return searchMany(db, q, 1, options)[0]!;
}

/** See `MiniVectorDB.searchBatch`. */
export async function searchBatch(db: DbState, queries: readonly Query[] | Float32Array, searchOptions: SearchOptions): Promise<SearchHit[][]> {
  const { core } = db;
  const options = readSearchOptions(searchOptions);
  if (Array.isArray(queries) && queries.some((q) => typeof q === 'string')) {
    if (!queries.every((q) => typeof q === 'string')) throw new InvalidArgumentError('queries must be all texts or all vectors');
    const texts = await textModes(db, queries as string[], options);
    if (texts !== undefined) return texts;
    queries = await embedQueries(db, queries as string[], options);
  } else {
    vectorMode(db, options);
    if (Array.isArray(queries) && queries.some((q) => imageOfQuery(q) !== undefined)) queries = await embedQueryImages(db, queries, options.signal);
  }
  const dim = core.dim;
  let flat: Float32Array;
  let nq: number;
  try {
    if (queries instanceof Float32Array) {
      if (queries.length % dim !== 0) {
        throw new InvalidArgumentError(`a flat query batch must hold a multiple of dim ${dim} values, got ${queries.length}`);
      }
      nq = queries.length / dim;
      heapBytes(`a batch of ${nq} queries`, [nq, dim, 4]); // before the copy: the core could never take more
      flat = new Float32Array(queries.length);
      for (let i = 0; i < nq; i++) writeVector(queries.subarray(i * dim, (i + 1) * dim), dim, flat, i * dim, `queries[${i}]`);
    } else if (Array.isArray(queries)) {
      nq = queries.length;
      heapBytes(`a batch of ${nq} queries`, [nq, dim, 4]);
      flat = new Float32Array(nq * dim);
      const list = queries as readonly unknown[];
      for (let i = 0; i < nq; i++) writeVector(list[i], dim, flat, i * dim, `queries[${i}]`);
    } else {
      throw new InvalidArgumentError(`queries must be an array of vectors or a Float32Array, got ${describe(queries)}`);
    }
  } catch (e) {
    throw readError(e, 'queries');
  }
  if (nq === 0) {
    searchParams(db, options);
    return [];
  }
  // The core checks every query's values before it searches any; a bad one is named as the caller indexes it.
  return searchMany(db, flat, nq, options, (i) => `queries[${i}]`);
}

/** See `MiniVectorDB.get`. */
export function get(db: DbState, id: string): StoredRecord | undefined {
  checkId(id);
  const label = db.records.labelOf(id);
  if (label === undefined) return undefined;
  const text = db.records.textOf(label);
  return { id, vector: db.core.vector(label), metadata: copyMetadata(db.records.metadataOf(label)), ...(text === undefined ? {} : { text }) };
}

/** See `MiniVectorDB.count`. */
export function count(db: DbState, filter: Filter | undefined): number {
  return filter === undefined ? db.records.size : db.filters.labels(filter, db.records).length;
}

/** See `MiniVectorDB.stats`. */
export function stats(db: DbState): Stats {
  const { core } = db;
  const c = core.config();
  return {
    count: db.records.size,
    deleted: core.deletedCount,
    slots: core.size,
    deletedRatio: core.size === 0 ? 0 : core.deletedCount / core.size,
    dim: c.dim,
    metric: db.metric,
    M: c.M,
    efConstruction: c.efConstruction,
    efSearch: c.efSearch,
    quantization: c.quantization,
    rerank: c.rerank,
    keepFloat: c.keepFloat,
    bytesPerVector: core.bytesPerVector(),
    clippedFraction: core.clippedFraction(),
    memoryBytes: core.memoryBytes(),
    storeText: db.storeText,
    textIndex: db.lexical !== undefined,
    embedder: db.text?.info.model ?? null,
  };
}

/** Checks the mode of a vector query (only `'vector'`); returns undefined so the vector path runs. */
function vectorMode(db: DbState, options: SearchOptions): undefined {
  checkObject(options, 'search options');
  textSearchMode(options, false, db.lexical !== undefined);
  return undefined;
}

/**
 * Text queries in `'text'` or `'hybrid'` mode (`lexical/search.ts`);
 * undefined when the mode is `'vector'` (the caller embeds and searches).
 */
async function textModes(db: DbState, texts: readonly string[], options: SearchOptions): Promise<SearchHit[][] | undefined> {
  const { core } = db;
  checkObject(options, 'search options');
  const mode = textSearchMode(options, true, db.lexical !== undefined, db.text !== undefined);
  if (mode === 'vector') return undefined;
  const { k, ef, exact, allowed, textWeight } = searchParams(db, options);
  const dim = core.dim;
  return searchTexts(
    {
      index: db.lexical!,
      k,
      allowed: allowed?.words,
      matching: allowed?.count ?? db.records.size,
      embed: async (list) =>
        (await embedQueries(db, list, options)).map((v, i) => {
          const q = new Float32Array(dim);
          writeVector(v, dim, q, 0, `queries[${i}] (embedded)`);
          return q;
        }),
      nearest: (queries, n) => {
        const flat = new Float32Array(queries.length * dim);
        queries.forEach((q, i) => flat.set(q, i * dim));
        return core.search(flat, queries.length, n, ef, allowed, exact, (i) => `queries[${i}] (embedded)`);
      },
      distancesTo: (query, labels) => {
        const words = new Uint32Array(Math.max(1, Math.ceil(core.size / 32)));
        for (const label of labels) words[label >>> 5]! |= 1 << (label & 31);
        const hits = core.search(query, 1, labels.length, ef, { words, count: labels.length }, true)[0]!;
        return new Map(Array.from(hits.labels, (label, i) => [label, hits.distances[i]!]));
      },
      hit: (label, distance, score, ranks) => ({ ...hitOf(db, label, distance, score), ranks }),
    },
    texts,
    mode,
    textWeight,
  );
}

/** Embeds text queries (validating the search options first, so a bad option fails before the model runs). */
async function embedQueries(db: DbState, texts: readonly string[], options: SearchOptions): Promise<Float32Array[]> {
  checkObject(options, 'search options');
  checkKnownKeys(options, SEARCH_KEYS, 'search options');
  if (db.text === undefined) {
    throw new InvalidArgumentError('text queries need an embedder: create the database with { embedder } (or open it with one)');
  }
  return db.text.embed(texts, undefined, options.signal);
}

/**
 * The search options, type-checked. k and ef go to the core as given (it
 * clamps k, takes ef 0 as its own efSearch and raises ef); ef's upper bound
 * is the core's exported `kMaxEf`, checked here as well so that searches that
 * never reach the core (text mode, nothing to match) reject the same options.
 */
function searchParams(db: DbState, searchOptions: SearchOptions): { k: number; ef: number; exact: boolean; allowed: LabelBitset | undefined; textWeight: number } {
  const { core } = db;
  const options = readOptions<SearchOptions>(searchOptions, SEARCH_KEYS, 'search options');
  const k = checkInt(options.k ?? 10, 'k', 1, Number.MAX_SAFE_INTEGER);
  const ef = options.efSearch === undefined ? 0 : checkInt(options.efSearch, 'efSearch', 1, core.constants.maxEf);
  const exact = checkBoolean(options.exact, 'exact', false);
  const textWeight = checkTextWeight(options.textWeight);
  const allowed = options.filter === undefined ? undefined : db.filters.bitset(options.filter, db.records, core.size);
  return { k, ef, exact, allowed, textWeight };
}

/**
 * The search options read once (known keys, each read once), the signal
 * checked: an aborted one rejects before any work.
 */
function readSearchOptions(searchOptions: SearchOptions): SearchOptions {
  const options = readOptions<SearchOptions>(searchOptions, SEARCH_KEYS, 'search options');
  throwIfAborted(checkSignal(options.signal, 'search options.signal'));
  return options;
}

/** Vector queries (nq·dim float32) through the core's one search call; `name(i)` names a query the core rejects (default: `query`). */
function searchMany(db: DbState, queries: Float32Array, nq: number, options: SearchOptions, name?: (i: number) => string): SearchHit[][] {
  const { core } = db;
  const { k, ef, exact, allowed } = searchParams(db, options);
  const perQuery = core.search(queries, nq, k, ef, allowed, exact, name);
  const l2 = db.metric === 'l2';
  return perQuery.map(({ labels, distances }) => {
    const out: SearchHit[] = new Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const distance = distances[i]!;
      out[i] = hitOf(db, labels[i]!, distance, l2 ? 0 - distance : 1 - distance); // 0 - d: never -0
    }
    return out;
  });
}

/** The hit of a live label: id, the given distance and score, a copy of its metadata, its text when kept. */
function hitOf(db: DbState, label: number, distance: number, score: number): SearchHit {
  const hit: SearchHit = { id: db.records.idOf(label)!, distance, score, metadata: copyMetadata(db.records.metadataOf(label)) };
  const text = db.records.textOf(label);
  if (text !== undefined) hit.text = text;
  return hit;
}
