/**
 * `minivectordb/ai-sdk`: the AI SDK (`ai` 6, `@ai-sdk/provider` 3, optional
 * peer dependencies) and MiniVectorDB embedders, both ways.
 *
 * ```ts
 * import { openai } from '@ai-sdk/openai';
 * import { fromAiSdk, toAiSdk } from 'minivectordb/ai-sdk';
 * const db = await MiniVectorDB.create({ embedder: await fromAiSdk(openai.embedding('text-embedding-3-small'), { dim: 1536 }) });
 * const { embedding } = await embed({ model: toAiSdk(await createEmbedder()), value: 'on-device' });
 * ```
 * @packageDocumentation
 */
export { fromAiSdk, type AiSdkEmbedderOptions } from './from-model.js';
export { toAiSdk } from './to-model.js';
export type { ExternalEmbedderOptions } from '../external-embedder.js';
