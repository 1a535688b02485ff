/**
 * `minivectordb/llamaindex`: MiniVectorDB for LlamaIndex.TS
 * (`@llamaindex/core` 0.6, an optional peer dependency):
 * {@link MiniVectorDBVectorStore} (a `BaseVectorStore`, with metadata
 * filters and HYBRID mode), {@link MiniVectorDBEmbedding} (our embedders as
 * a LlamaIndex embedding model) and {@link toFilter}.
 * @packageDocumentation
 */
export { MiniVectorDBVectorStore, type MiniVectorDBVectorStoreOptions } from './store.js';
export { MiniVectorDBEmbedding } from './embedding.js';
export { toFilter } from './filters.js';
