// Types of clip-folder.mjs (used by tests and bench/embed/clip-speed.mjs).
export interface ClipTowerSizes { layers: number; hidden: number; heads: number; mlp: number }
export interface ClipArchitecture {
  vision: ClipTowerSizes & { image: number; patch: number };
  text: ClipTowerSizes & { vocab: number; positions: number };
  projection: number;
}
export const TINY_CLIP: Readonly<ClipArchitecture>;
export const CLIP_WORDS: string[];
export function clipVocab(words?: string[]): { tokens: string[]; merges: string[] };
export function clipTokenizerJson(tokens: string[], merges: string[], maxLength: number): Record<string, unknown>;
export function clipPreprocessorConfig(image: number): Record<string, unknown>;
export function writeClipFolder(
  dir: string,
  arch?: ClipArchitecture,
  opts?: { seed?: number },
): { arch: ClipArchitecture; tokens: string[]; merges: string[]; eos: number; ops: { vision: Record<string, number>; text: Record<string, number> }; weights: unknown };
