// Types of static-graph.mjs (used by tests).
export interface StaticEmbeddingModel {
  /** rows × dim int8 values */
  table: Int8Array;
  /** per-row scale (dequantisation step × word weight) */
  scale: Float32Array;
  /** row of each vocabulary id when it stands alone or ends a word */
  wordRow: Int32Array;
  /** row of each vocabulary id when the next token is a "##" continuation */
  prefixRow: Int32Array;
  /** first vocabulary id of a continuation piece */
  contStart: number;
  /** dim values added before normalisation */
  bias: Float32Array;
  metadata?: Record<string, string>;
  doc?: string;
}
/** The .onnx bytes of a static embedding model. */
export function staticEmbeddingModel(m: StaticEmbeddingModel): Uint8Array;
