// The bench inputs: texts of a fixed token count for the random-weight models
// (bert-folder.mjs: each made-up word is one WordPiece token; [CLS] and [SEP]
// are added), different in every batch so no cache can help.
import { syntheticVocab } from '../../scripts/model/lib/bert-folder.mjs';
import { rng32 } from '../../scripts/model/lib/random.mjs';

/** Token lengths measured: short sentence, and a 128-token passage. */
export const LENGTHS = { short: 16, long: 128 };

/**
 * `count` texts of exactly `tokens` tokens (special tokens included).
 * @param {number} vocabSize
 * @param {number} tokens
 * @param {number} count
 * @param {number} seed
 */
export function makeTexts(vocabSize, tokens, count, seed) {
  const { words } = syntheticVocab(vocabSize);
  const next = rng32(seed);
  return Array.from({ length: count }, () => Array.from({ length: tokens - 2 }, () => words[next() % words.length]).join(' '));
}
