// Types of bert-folder.mjs and bert-graph.mjs (used by tests and the embed bench).
export interface BertArchitecture { layers: number; hidden: number; heads: number; ffn: number; vocab: number; positions: number; types: number }
export interface BertLayerWeights {
  wq: Float32Array; bq: Float32Array; wk: Float32Array; bk: Float32Array; wv: Float32Array; bv: Float32Array;
  wo: Float32Array; bo: Float32Array; ln1G: Float32Array; ln1B: Float32Array;
  w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; ln2G: Float32Array; ln2B: Float32Array;
}
/** Row-major matrices [in, out]; embedding tables [rows, hidden]. */
export interface BertWeights {
  word: Float32Array; position: Float32Array; tokenType: Float32Array; embLnG: Float32Array; embLnB: Float32Array;
  layers: BertLayerWeights[];
}
export const BERT_SPECIALS: string[];
export function syntheticVocab(size: number): { tokens: string[]; words: string[] };
export function writeBertFolder(
  dir: string,
  arch: BertArchitecture,
  opts?: { seed?: number; dtypes?: Array<'fp32' | 'q8'>; maxLength?: number },
): { words: string[]; tokens: string[]; weights: BertWeights; ops: Record<string, Record<string, number>> };
