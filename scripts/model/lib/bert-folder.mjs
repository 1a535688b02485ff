// A Hugging Face model folder for a random-weight BERT (bert-graph.mjs):
// config.json, tokenizer.json (WordPiece over a synthetic vocabulary of the
// model's size, BERT normaliser and pre-tokenizer, [CLS] $A [SEP]),
// tokenizer_config.json, onnx/model.onnx (float32) and
// onnx/model_quantized.onnx (int8 dynamic), the layout of Xenova/* exports.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bertOnnx, LN_EPS, randomBertWeights } from './bert-graph.mjs';

export const BERT_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';

/**
 * A WordPiece vocabulary of exactly `size` tokens: the specials, punctuation,
 * single letters and their `##` pieces, then made-up lower-case words of two
 * and three consonant-vowel syllables (`bako`, `rimuse`, …) — each one token.
 * @param {number} size
 * @returns {{ tokens: string[], words: string[] }} `words`: the whole-word tokens, for making texts
 */
export function syntheticVocab(size) {
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  const tokens = [...BERT_SPECIALS, ...'.,!?;:\'"()-'.split(''), ...letters, ...letters.map((c) => `##${c}`)];
  const syl = [];
  for (const c of CONSONANTS) for (const v of VOWELS) syl.push(c + v);
  const words = [];
  outer: for (const a of syl) for (const b of syl) {
    if (tokens.length + words.length >= size) break outer;
    words.push(a + b);
  }
  outer2: for (const a of syl) for (const b of syl) for (const c of syl) {
    if (tokens.length + words.length >= size) break outer2;
    words.push(a + b + c);
  }
  const all = [...tokens, ...words];
  if (all.length !== size) throw new Error(`syntheticVocab: ${size} tokens asked, ${all.length} made`);
  return { tokens: all, words };
}

/** tokenizer.json of a BERT uncased WordPiece tokenizer over `tokens` (index = id). */
export function bertTokenizerJson(tokens, maxLength) {
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  return {
    version: '1.0',
    truncation: { direction: 'Right', max_length: maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: BERT_SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/**
 * Writes the model folder.
 * @param {string} dir
 * @param {{layers:number, hidden:number, heads:number, ffn:number, vocab:number, positions:number, types:number}} arch
 * @param {{ seed?: number, dtypes?: Array<'fp32'|'q8'>, maxLength?: number }} [opts]
 * @returns {{ words: string[], weights: ReturnType<typeof randomBertWeights>, ops: Record<string, Record<string, number>>, tokens: string[] }}
 */
export function writeBertFolder(dir, arch, { seed = 1, dtypes = ['fp32', 'q8'], maxLength = arch.positions } = {}) {
  const { tokens, words } = syntheticVocab(arch.vocab);
  const weights = randomBertWeights(arch, seed);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const ops = {};
  for (const dtype of dtypes) {
    const { bytes, ops: counts } = bertOnnx(arch, weights, dtype);
    writeFileSync(join(dir, 'onnx', dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx'), bytes);
    ops[dtype] = counts;
  }
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: arch.hidden,
      num_hidden_layers: arch.layers,
      num_attention_heads: arch.heads,
      intermediate_size: arch.ffn,
      vocab_size: arch.vocab,
      max_position_embeddings: arch.positions,
      type_vocab_size: arch.types,
      layer_norm_eps: LN_EPS,
      hidden_act: 'gelu',
      pad_token_id: 0,
    }, null, 1),
  );
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(bertTokenizerJson(tokens, maxLength)));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: maxLength,
      pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]', clean_up_tokenization_spaces: true,
    }, null, 1),
  );
  return { words, weights, ops, tokens };
}
