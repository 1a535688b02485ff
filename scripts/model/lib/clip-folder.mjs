// A Hugging Face model folder for a random-weight CLIP (clip-graph.mjs), in
// the layout of Xenova/clip-vit-base-patch32: onnx/vision_model.onnx,
// onnx/text_model.onnx, config.json, preprocessor_config.json,
// tokenizer.json (CLIP's byte-level BPE: NFC, whitespace runs → one space,
// lower case, CLIP's split regex, `</w>` end-of-word suffix,
// <|startoftext|> … <|endoftext|>), tokenizer_config.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipTextOnnx, clipVisionOnnx, LN_EPS, randomClipWeights } from './clip-graph.mjs';

/** A tiny CLIP for tests: both towers, two layers each. */
export const TINY_CLIP = Object.freeze({
  vision: { layers: 2, hidden: 32, heads: 2, mlp: 64, image: 32, patch: 8 },
  text: { layers: 2, hidden: 24, heads: 2, mlp: 48, vocab: 0, positions: 16 },
  projection: 16,
});

/** Words that become single tokens in the tiny vocabulary (each gets its merges). */
export const CLIP_WORDS = ['a', 'photo', 'of', 'the', 'cat', 'dog', 'beach', 'sunset', 'red', 'green', 'blue', 'car', 'tree', 'sky'];

/** GPT-2's byte → printable character map (bytes_to_unicode), which ByteLevel pre-tokenizers use. */
function bytesToUnicode() {
  const bs = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return bs.map((b, i) => [b, String.fromCodePoint(cs[i])]).sort((x, y) => x[0] - y[0]).map(([, c]) => c);
}

/**
 * CLIP's BPE vocabulary over the 256 byte characters (and each with `</w>`),
 * the merges that make every word of `words` one token, then
 * <|startoftext|> and <|endoftext|> last (so end-of-text has the largest id,
 * as in CLIP: its text tower pools at argmax(input_ids)).
 */
export function clipVocab(words = CLIP_WORDS) {
  const chars = bytesToUnicode();
  const tokens = [...chars, ...chars.map((c) => `${c}</w>`)];
  const merges = [];
  const have = new Set(tokens);
  for (const w of words) {
    // left to right: ((w0 w1) w2) … with the suffix on the last character
    const parts = [...w].map((c, i, all) => (i === all.length - 1 ? `${c}</w>` : c));
    let left = parts[0];
    for (let i = 1; i < parts.length; i++) {
      const merged = left + parts[i];
      if (!have.has(merged)) {
        merges.push(`${left} ${parts[i]}`);
        tokens.push(merged);
        have.add(merged);
      }
      left = merged;
    }
  }
  tokens.push('<|startoftext|>', '<|endoftext|>');
  return { tokens, merges };
}

/** tokenizer.json of CLIP's tokenizer over `tokens` / `merges` (as openai/clip-vit-base-patch32's). */
export function clipTokenizerJson(tokens, merges, maxLength) {
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const bos = tokens.length - 2;
  const eos = tokens.length - 1;
  const special = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  return {
    version: '1.0',
    truncation: { direction: 'Right', max_length: maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: [special(bos, '<|startoftext|>'), special(eos, '<|endoftext|>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eos], cls: ['<|startoftext|>', bos], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false,
      byte_fallback: false, vocab, merges,
    },
  };
}

/** preprocessor_config.json as Xenova/clip-vit-base-patch32 has it, at `image` pixels. */
export function clipPreprocessorConfig(image) {
  return {
    crop_size: { height: image, width: image },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    feature_extractor_type: 'CLIPFeatureExtractor',
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_processor_type: 'CLIPImageProcessor',
    image_std: [0.26862954, 0.26130258, 0.27577711],
    resample: 3,
    rescale_factor: 0.00392156862745098,
    size: { shortest_edge: image },
  };
}

/**
 * Writes the model folder.
 * @param {string} dir
 * @param {typeof TINY_CLIP} arch - `text.vocab` 0 means the size of the made vocabulary
 * @param {{ seed?: number }} [opts]
 */
export function writeClipFolder(dir, arch = TINY_CLIP, { seed = 7 } = {}) {
  const { tokens, merges } = clipVocab();
  const a = { ...arch, text: { ...arch.text, vocab: arch.text.vocab || tokens.length } };
  if (a.text.vocab < tokens.length) throw new Error(`clip-folder: vocab ${a.text.vocab} < ${tokens.length} tokens`);
  const weights = randomClipWeights(a, seed);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const vision = clipVisionOnnx(a, weights);
  const text = clipTextOnnx(a, weights);
  writeFileSync(join(dir, 'onnx', 'vision_model.onnx'), vision.bytes);
  writeFileSync(join(dir, 'onnx', 'text_model.onnx'), text.bytes);
  const P = a.text.positions;
  const eos = tokens.length - 1;
  writeFileSync(
    join(dir, 'config.json'),
    `${JSON.stringify({
      model_type: 'clip',
      architectures: ['CLIPModel'],
      projection_dim: a.projection,
      logit_scale_init_value: 2.6592,
      text_config: {
        model_type: 'clip_text_model', hidden_size: a.text.hidden, intermediate_size: a.text.mlp, num_attention_heads: a.text.heads,
        num_hidden_layers: a.text.layers, vocab_size: a.text.vocab, max_position_embeddings: P, hidden_act: 'quick_gelu',
        layer_norm_eps: LN_EPS, bos_token_id: tokens.length - 2, eos_token_id: 2, pad_token_id: 1, projection_dim: a.projection,
      },
      vision_config: {
        model_type: 'clip_vision_model', hidden_size: a.vision.hidden, intermediate_size: a.vision.mlp, num_attention_heads: a.vision.heads,
        num_hidden_layers: a.vision.layers, image_size: a.vision.image, patch_size: a.vision.patch, num_channels: 3, hidden_act: 'quick_gelu',
        layer_norm_eps: LN_EPS, projection_dim: a.projection,
      },
    }, null, 1)}\n`,
  );
  writeFileSync(join(dir, 'preprocessor_config.json'), `${JSON.stringify(clipPreprocessorConfig(a.vision.image), null, 1)}\n`);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(clipTokenizerJson(tokens, merges, P)));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    `${JSON.stringify({
      tokenizer_class: 'CLIPTokenizer', do_lower_case: true, model_max_length: P,
      bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: '<|endoftext|>',
      clean_up_tokenization_spaces: true,
    }, null, 1)}\n`,
  );
  return { arch: a, weights, tokens, merges, eos, ops: { vision: vision.ops, text: text.ops } };
}
