/**
 * MiniVectorDB as a LlamaIndex.TS vector store.
 * @internal
 */
import type { BaseEmbedding } from '@llamaindex/core/embeddings';
import { MetadataMode, TextNode, type BaseNode } from '@llamaindex/core/schema';
import { BaseVectorStore, metadataDictToNode, nodeToMetadata, type VectorStoreQuery, type VectorStoreQueryResult } from '@llamaindex/core/vector-store';
import { describe } from '../../check.js';
import type { Embedder } from '../../embed/embedder.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Filter, InsertItem, Metadata, SearchHit, SearchOptions } from '../../types.js';
import type { VectorDatabase } from '../../vector-database.js';
import { MiniVectorDBEmbedding } from './embedding.js';
import { toFilter } from './filters.js';

/** Options of {@link MiniVectorDBVectorStore}. */
export interface MiniVectorDBVectorStoreOptions {
  /** The database: a {@link MiniVectorDB}, or one in a worker. Create it with `storeText: true` for `mode: HYBRID` / `SPARSE`. */
  db: VectorDatabase;
  /** LlamaIndex's embedding model for nodes and queries. @defaultValue `embedder` wrapped in {@link MiniVectorDBEmbedding}, else `Settings.embedModel` */
  embedModel?: BaseEmbedding;
  /** A MiniVectorDB embedder to use as `embedModel` (give the database's own, so HYBRID's text query and LlamaIndex's vectors agree). */
  embedder?: Embedder;
}

/**
 * A LlamaIndex.TS vector store (`@llamaindex/core` 0.6, an optional peer
 * dependency) over a MiniVectorDB database.
 *
 * A node is a record: `id_` as id, its embedding as vector, its metadata
 * (LlamaIndex's `nodeToMetadata`: the node's own keys at the top, plus
 * `_node_content`, `_node_type`, `ref_doc_id`), and its text — as the
 * record's `text` when the database keeps texts (`storeText: true`, which
 * feeds the BM25 index), else inside `_node_content`.
 *
 * `query()` modes: `DEFAULT` (the `similarityTopK` nearest to
 * `queryEmbedding`), `HYBRID` (our hybrid search of `queryStr`: BM25 and
 * vector lists fused by reciprocal rank; `alpha` is the vector list's weight,
 * so `textWeight = 1 − alpha`, 0.5 by default; needs a database with an
 * embedder and a text index), `SPARSE` (BM25 only on `queryStr`). Filters
 * map as {@link toFilter} says; `docIds` keeps nodes of those source documents.
 * `similarities` are the hits' scores, higher is closer: cosine similarity
 * for `cosine` (dot product for `ip`, −squared L2 for `l2`), the reciprocal
 * rank fusion score in HYBRID, the BM25 score in SPARSE.
 */
export class MiniVectorDBVectorStore extends BaseVectorStore<VectorDatabase> {
  storesText = true;
  readonly #db: VectorDatabase;

  /** @throws InvalidArgumentError when `db` is not a database. */
  constructor(options: MiniVectorDBVectorStoreOptions) {
    const db = (options as Partial<MiniVectorDBVectorStoreOptions> | undefined)?.db;
    if (typeof db !== 'object' || db === null || typeof db.search !== 'function') {
      throw new InvalidArgumentError(`MiniVectorDBVectorStore needs { db }: a MiniVectorDB or a worker database, got ${describe(db)}`);
    }
    const embedModel = options.embedModel ?? (options.embedder === undefined ? undefined : new MiniVectorDBEmbedding(options.embedder));
    super(embedModel === undefined ? {} : { embedModel });
    this.#db = db;
  }

  /** The database. */
  client(): VectorDatabase {
    return this.#db;
  }

  /**
   * Adds nodes with their embeddings (upsert by `id_`), all or nothing.
   * @returns the node ids.
   * @throws InvalidArgumentError when a node has no embedding, or on bad metadata.
   */
  async add(nodes: BaseNode[]): Promise<string[]> {
    const keepsText = this.#db.stats().storeText;
    const items: InsertItem[] = nodes.map((node) => {
      const vector = node.embedding;
      if (vector === undefined) throw new InvalidArgumentError(`node ${node.id_} has no embedding: embed nodes before add()`);
      const item: InsertItem = { id: node.id_, vector, metadata: nodeToMetadata(node, keepsText) as Metadata };
      if (keepsText) item.text = node.getContent(MetadataMode.NONE);
      return item;
    });
    await this.#db.insertMany(items);
    return nodes.map((n) => n.id_);
  }

  /** Deletes every node of the source document `refDocId`. */
  async delete(refDocId: string): Promise<void> {
    await this.#db.deleteByFilter({ ref_doc_id: refDocId });
  }

  /**
   * The `similarityTopK` best nodes for the query; see the class documentation for modes and scores.
   * @throws InvalidArgumentError on an unsupported mode or filter, or a missing `queryEmbedding` / `queryStr`.
   */
  async query(query: VectorStoreQuery): Promise<VectorStoreQueryResult> {
    const options: SearchOptions = { k: query.similarityTopK };
    const filter = withDocIds(toFilter(query.filters), query.docIds);
    if (filter !== undefined) options.filter = filter;
    let hits: SearchHit[];
    const mode = query.mode ?? 'default';
    if (mode === 'default') {
      if (query.queryEmbedding === undefined) throw new InvalidArgumentError('query: mode DEFAULT needs queryEmbedding');
      hits = await this.#db.search(query.queryEmbedding, options);
    } else if (mode === 'hybrid' || mode === 'sparse') {
      if (typeof query.queryStr !== 'string') throw new InvalidArgumentError(`query: mode ${mode.toUpperCase()} needs queryStr`);
      if (mode === 'hybrid' && query.alpha !== undefined) options.textWeight = 1 - query.alpha;
      hits = await this.#db.search(query.queryStr, { ...options, mode: mode === 'hybrid' ? 'hybrid' : 'text' });
    } else {
      throw new InvalidArgumentError(`query: mode ${describe(mode)} is not supported (DEFAULT, HYBRID, SPARSE)`);
    }
    return { ids: hits.map((h) => h.id), similarities: hits.map((h) => h.score), nodes: hits.map(toNode) };
  }
}

function withDocIds(filter: Filter | undefined, docIds: string[] | undefined): Filter | undefined {
  if (docIds === undefined) return filter;
  const byDoc: Filter = { ref_doc_id: { $in: docIds } };
  return filter === undefined ? byDoc : { $and: [filter, byDoc] };
}

/**
 * The node of a hit: rebuilt from `_node_content` when LlamaIndex wrote the
 * record; else (a record inserted otherwise, or `_node_content` that is not
 * a node's JSON) a `TextNode` of the record's id, text and metadata. Stored
 * data never chooses anything but the node's fields.
 */
function toNode(hit: SearchHit): BaseNode {
  const metadata = hit.metadata ?? {};
  const plain = (): BaseNode => new TextNode({ id_: hit.id, text: hit.text ?? '', metadata });
  if (typeof metadata._node_content !== 'string') return plain();
  let node: BaseNode;
  try {
    node = metadataDictToNode(metadata, { fallback: { id_: hit.id, text: hit.text ?? '', metadata: {} } });
  } catch {
    return plain();
  }
  if (hit.text !== undefined) (node as BaseNode & { text?: string }).text = hit.text;
  return node;
}
