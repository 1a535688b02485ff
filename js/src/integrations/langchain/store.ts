/**
 * MiniVectorDB as a LangChain.js vector store.
 * @internal
 */
import type { Callbacks } from '@langchain/core/callbacks/manager';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { maximalMarginalRelevance } from '@langchain/core/utils/math';
import { SaveableVectorStore, type MaxMarginalRelevanceSearchOptions } from '@langchain/core/vectorstores';
import { describe } from '../../check.js';
import type { Embedder } from '../../embed/embedder.js';
import { isEmbedder } from '../../embed/index.js';
import { InvalidArgumentError } from '../../errors.js';
import { MiniVectorDB } from '../../minivectordb.js';
import type { CreateOptions, OpenOptions } from '../../option-types.js';
import type { Filter, InsertItem, Metadata, SearchHit } from '../../types.js';
import type { VectorDatabase } from '../../vector-database.js';
import { MiniVectorDBEmbeddings } from './embeddings.js';

/** What the store is built on. */
export interface MiniVectorDBStoreArgs {
  /** The database: a {@link MiniVectorDB}, or one in a worker (`createInWorker`). Create it with `storeText: true` so documents come back with their `pageContent`. */
  db: VectorDatabase;
}

/** Options of {@link MiniVectorDBStore.fromTexts} and {@link MiniVectorDBStore.fromDocuments}. */
export interface MiniVectorDBFromArgs {
  /** An existing database to add to. @defaultValue a new {@link MiniVectorDB} made with `create` */
  db?: VectorDatabase;
  /**
   * Options of the new database (when `db` is absent). The store sets
   * `storeText: true`, `metric: 'cosine'` and, with LangChain embeddings,
   * `dim` from the first vector; with an {@link Embedder} it is the
   * database's `embedder`; with neither, the database's default embedder
   * (the built-in `wordnet-256`) embeds.
   */
  create?: CreateOptions;
}

/** Options of {@link MiniVectorDBStore.addVectors} and {@link MiniVectorDBStore.addDocuments}. */
export interface AddOptions {
  /** Ids of the documents, in order. @defaultValue each document's `id`, else a random UUID */
  ids?: string[];
}

/** Stands in for LangChain embeddings when the database embeds texts itself. */
const DATABASE_EMBEDS: EmbeddingsInterface = {
  embedDocuments: () => Promise.reject(noEmbeddings('embedDocuments')),
  embedQuery: () => Promise.reject(noEmbeddings('embedQuery')),
};

function noEmbeddings(what: string): InvalidArgumentError {
  return new InvalidArgumentError(`${what}: this store was made without embeddings (the database embeds texts itself); give LangChain embeddings or an Embedder to embed outside the database`);
}

/**
 * A LangChain.js vector store (`@langchain/core` ≥ 1, an optional peer
 * dependency) over a MiniVectorDB database: HNSW search with MongoDB-style
 * metadata filters (`FilterType` = {@link Filter}), in the browser or Node,
 * on the page or in a worker.
 *
 * Embeddings, one of:
 * - LangChain `Embeddings` (any provider): documents and queries are embedded by them;
 * - a MiniVectorDB {@link Embedder} (`createEmbedder()`, `fromAiSdk`, `fromTransformersPipeline`): wrapped in {@link MiniVectorDBEmbeddings};
 * - `undefined`: the database's own embedder embeds documents and text
 *   queries (`db.insert({ text })`, `db.search(text, { mode: 'vector' })`);
 *   {@link MiniVectorDBStore.maxMarginalRelevanceSearch} then needs embeddings and throws.
 *
 * Documents are records: `id` (given, the document's `id`, or a random
 * UUID), `pageContent` as the record's `text` (kept when the database was
 * created with `storeText: true`, which also feeds its BM25 index; else
 * returned as `''`), `metadata` as its metadata (JSON-like values only: see
 * `Metadata`).
 *
 * Scores ({@link MiniVectorDBStore.similaritySearchVectorWithScore},
 * `similaritySearchWithScore`) are similarities, higher is closer, as
 * LangChain's `MemoryVectorStore` returns: the hit's `score` — cosine
 * similarity for `cosine`, the dot product for `ip`, −(squared L2 distance)
 * for `l2`.
 *
 * @example
 * ```ts
 * const db = await MiniVectorDB.create({ storeText: true });           // wordnet-256 embeds, no download
 * const store = new MiniVectorDBStore(undefined, { db });
 * await store.addDocuments([{ pageContent: 'fix a flat bicycle tyre', metadata: { topic: 'bike' } }]);
 * const docs = await store.similaritySearch('repair my bike', 4, { topic: 'bike' });
 * ```
 */
export class MiniVectorDBStore extends SaveableVectorStore {
  declare FilterType: Filter;
  /** The database (owned by the caller: the store never closes it). */
  readonly db: VectorDatabase;
  /** True when no embeddings were given: the database embeds texts. */
  readonly #databaseEmbeds: boolean;

  _vectorstoreType(): string {
    return 'minivectordb';
  }

  /**
   * @param embeddings - LangChain embeddings, a MiniVectorDB {@link Embedder}, or `undefined` (the database's embedder).
   * @param args - `{ db }`.
   * @throws InvalidArgumentError when `db` is not a database.
   */
  constructor(embeddings: EmbeddingsInterface | Embedder | undefined, args: MiniVectorDBStoreArgs) {
    const lc = embeddings === undefined ? DATABASE_EMBEDS : isEmbedder(embeddings) ? new MiniVectorDBEmbeddings(embeddings) : embeddings;
    super(lc, {});
    const db = (args as Partial<MiniVectorDBStoreArgs> | undefined)?.db;
    if (typeof db !== 'object' || db === null || typeof db.search !== 'function' || typeof db.insertMany !== 'function') {
      throw new InvalidArgumentError(`MiniVectorDBStore needs { db }: a MiniVectorDB or a worker database, got ${describe(db)}`);
    }
    this.db = db;
    this.#databaseEmbeds = embeddings === undefined;
  }

  /**
   * Adds documents with their vectors (upsert: an existing id is replaced).
   * @param vectors - one vector of `db.dim` numbers per document.
   * @returns the ids, in order.
   * @throws InvalidArgumentError when the lengths differ, or on a bad id, vector or metadata (nothing is added).
   */
  async addVectors(vectors: number[][], documents: DocumentInterface[], options: AddOptions = {}): Promise<string[]> {
    if (vectors.length !== documents.length) throw new InvalidArgumentError(`addVectors: ${vectors.length} vectors for ${documents.length} documents`);
    const ids = idsOf(documents, options);
    await this.db.insertMany(documents.map((doc, i) => ({ ...record(doc, ids[i]!), vector: vectors[i]! })));
    return ids;
  }

  /**
   * Embeds and adds documents (upsert). Without embeddings, the database
   * embeds the `pageContent`s itself.
   * @returns the ids, in order.
   */
  async addDocuments(documents: DocumentInterface[], options: AddOptions = {}): Promise<string[]> {
    if (!this.#databaseEmbeds) return this.addVectors(await this.embeddings.embedDocuments(documents.map((d) => d.pageContent)), documents, options);
    const ids = idsOf(documents, options);
    await this.db.insertMany(documents.map((doc, i) => record(doc, ids[i]!)));
    return ids;
  }

  /**
   * The `k` nearest documents to a query vector, nearest first, with their
   * similarity (higher is closer; see the class documentation).
   * @param filter - a MiniVectorDB {@link Filter} on metadata, applied inside the search.
   */
  async similaritySearchVectorWithScore(query: number[], k: number, filter?: Filter): Promise<[DocumentInterface, number][]> {
    const hits = await this.db.search(query, searchOptions(k, filter));
    return hits.map((h) => [toDocument(h), h.score]);
  }

  /** The `k` nearest documents to a text query (embedded by the embeddings, or by the database when the store has none). */
  override async similaritySearchWithScore(query: string, k = 4, filter?: Filter): Promise<[DocumentInterface, number][]> {
    if (!this.#databaseEmbeds) return super.similaritySearchWithScore(query, k, filter);
    const hits = await this.db.search(query, { ...searchOptions(k, filter), mode: 'vector' });
    return hits.map((h) => [toDocument(h), h.score]);
  }

  override async similaritySearch(query: string, k = 4, filter?: Filter): Promise<DocumentInterface[]> {
    return (await this.similaritySearchWithScore(query, k, filter)).map(([doc]) => doc);
  }

  /**
   * Maximal marginal relevance (Carbonell & Goldstein 1998), as LangChain's
   * stores do it: the `fetchK` nearest documents, then `k` of them chosen
   * one by one for λ·sim(query) − (1 − λ)·max sim(chosen), cosine
   * similarity over the vectors the database returns (`db.get`: unit
   * length under `cosine`; with `quantization: 'int8'` and
   * `keepFloat: false`, the dequantized codes).
   * @param options - `k`, `fetchK` (20), `lambda` (0.5; 1 = relevance only, 0 = diversity only), `filter`.
   * @throws InvalidArgumentError when the store has no embeddings (the query must be embedded here).
   */
  override async maxMarginalRelevanceSearch(query: string, options: MaxMarginalRelevanceSearchOptions<Filter>, _callbacks?: Callbacks): Promise<DocumentInterface[]> {
    if (this.#databaseEmbeds) throw noEmbeddings('maxMarginalRelevanceSearch');
    const { k, fetchK = 20, lambda = 0.5, filter } = options;
    const queryVector = await this.embeddings.embedQuery(query);
    const hits = await this.db.search(queryVector, searchOptions(Math.max(fetchK, k), filter));
    const records = await Promise.all(hits.map((h) => this.db.get(h.id)));
    // A record deleted since the search has no vector: it is left out.
    const kept = hits.flatMap((h, i) => (records[i] === undefined ? [] : [{ hit: h, vector: Array.from(records[i]!.vector) }]));
    const chosen = maximalMarginalRelevance(queryVector, kept.map((c) => c.vector), lambda, k);
    return chosen.map((i) => toDocument(kept[i]!.hit));
  }

  /**
   * Deletes documents by id and/or by metadata filter.
   * @throws InvalidArgumentError when neither `ids` nor `filter` is given.
   */
  override async delete(params: { ids?: string[]; filter?: Filter } = {}): Promise<void> {
    const { ids, filter } = params;
    if (ids === undefined && filter === undefined) throw new InvalidArgumentError('delete() needs { ids } or { filter }');
    if (ids !== undefined) await this.db.deleteMany(ids);
    if (filter !== undefined) await this.db.deleteByFilter(filter);
  }

  /** Writes a snapshot to `url` (`file:///abs/path`, `idb://name`, `memory://name`), or to the database's storage URL. */
  async save(url?: string): Promise<void> {
    await this.db.save(url);
  }

  /**
   * Opens a snapshot saved by {@link MiniVectorDBStore.save} (or any MiniVectorDB snapshot).
   * @param options - `MiniVectorDB.open` options (e.g. `{ embedder }` for a database that embeds with a custom embedder).
   */
  static override async load(url: string, embeddings: EmbeddingsInterface | Embedder | undefined, options: OpenOptions = {}): Promise<MiniVectorDBStore> {
    return new this(embeddings, { db: await MiniVectorDB.open(url, options) });
  }

  /** A store over `texts` (with one metadata object for all, or one each); see {@link MiniVectorDBFromArgs}. */
  static override async fromTexts(texts: string[], metadatas: object[] | object, embeddings: EmbeddingsInterface | Embedder | undefined, args: MiniVectorDBFromArgs = {}): Promise<MiniVectorDBStore> {
    const docs = texts.map((pageContent, i) => new Document({ pageContent, metadata: (Array.isArray(metadatas) ? metadatas[i] : metadatas) ?? {} }));
    return this.fromDocuments(docs, embeddings, args);
  }

  /** A store over `docs`; see {@link MiniVectorDBFromArgs}. */
  static override async fromDocuments(docs: DocumentInterface[], embeddings: EmbeddingsInterface | Embedder | undefined, args: MiniVectorDBFromArgs = {}): Promise<MiniVectorDBStore> {
    if (args.db !== undefined) {
      const store = new this(embeddings, { db: args.db });
      await store.addDocuments(docs);
      return store;
    }
    const create: CreateOptions = { metric: 'cosine', storeText: true, ...args.create };
    if (embeddings === undefined || isEmbedder(embeddings)) {
      const db = await MiniVectorDB.create(embeddings === undefined ? create : { embedder: embeddings, ...create });
      const store = new this(embeddings, { db });
      await store.addDocuments(docs);
      return store;
    }
    // LangChain embeddings: the first vector tells the dimension.
    const vectors = await embeddings.embedDocuments(docs.map((d) => d.pageContent));
    if (vectors.length === 0 && create.dim === undefined) throw new InvalidArgumentError('fromDocuments: no documents to learn the dimension from; give create.dim');
    const db = await MiniVectorDB.create(create.dim === undefined ? { ...create, dim: vectors[0]!.length } : create);
    const store = new this(embeddings, { db });
    await store.addVectors(vectors, docs);
    return store;
  }
}

function searchOptions(k: number, filter: Filter | undefined): { k: number; filter?: Filter } {
  return filter === undefined ? { k } : { k, filter };
}

function idsOf(documents: readonly DocumentInterface[], options: AddOptions): string[] {
  if (options.ids !== undefined && options.ids.length !== documents.length) throw new InvalidArgumentError(`${options.ids.length} ids for ${documents.length} documents`);
  return documents.map((d, i) => options.ids?.[i] ?? d.id ?? globalThis.crypto.randomUUID());
}

/** A document as a record (without its vector). */
function record(doc: DocumentInterface, id: string): InsertItem {
  const item: InsertItem = { id, text: doc.pageContent };
  if (doc.metadata !== undefined && Object.keys(doc.metadata).length > 0) item.metadata = doc.metadata as Metadata;
  return item;
}

function toDocument(hit: SearchHit): DocumentInterface {
  return new Document({ id: hit.id, pageContent: hit.text ?? '', metadata: hit.metadata ?? {} });
}
