// tokenizer.json (Hugging Face `tokenizers` format) and tokenizer_config.json
// for a WordPiece vocabulary of whole words and "##" pieces, BERT-style
// normalisation (clean text, split CJK characters, strip accents, lower case)
// and pre-tokenisation (whitespace and punctuation).
import { SPECIALS } from './vocab.mjs';

/**
 * @param {string[]} tokens - the vocabulary, index = id
 * @returns {object} tokenizer.json contents
 */
export function tokenizerJson(tokens) {
  /** @type {Record<string, number>} */
  const vocab = {};
  tokens.forEach((t, i) => {
    vocab[t] = i;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    // No [CLS]/[SEP]: the model pools words, and a special token would only add a constant.
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/**
 * @param {number} maxLength - longest token sequence the model is meant for
 * @returns {object} tokenizer_config.json contents
 */
export function tokenizerConfig(maxLength) {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: true,
    tokenize_chinese_chars: true,
    model_max_length: maxLength,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
}
