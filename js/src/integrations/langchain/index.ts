/**
 * `minivectordb/langchain`: MiniVectorDB for LangChain.js (`@langchain/core`
 * ≥ 1, an optional peer dependency): {@link MiniVectorDBStore}, a
 * `VectorStore` (retrievers, MMR, filters, save / load by storage URL), and
 * {@link MiniVectorDBEmbeddings}, our embedders as LangChain `Embeddings`.
 * @packageDocumentation
 */
export { MiniVectorDBStore, type AddOptions, type MiniVectorDBFromArgs, type MiniVectorDBStoreArgs } from './store.js';
export { MiniVectorDBEmbeddings } from './embeddings.js';
