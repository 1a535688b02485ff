// Text encoding (js/src/embed/text-encoding.ts) on a small hand-written
// BERT-style tokenizer.json, ids checked against values read off its
// vocabulary by hand: added tokens (also those matched in their normalised
// form, as Hugging Face tokenizers match `normalized: true` added tokens),
// truncation that keeps the trailing special tokens and their type ids, and
// encodeAll = encode, text by text.
import { describe, expect, test } from 'vitest';
import { loadTokenizer, TextEncoding } from '../../../js/src/embed/text-encoding.js';

// id = index
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'bako', 'rimu', 'sela', 'tono', 'vu', '##ka', '.'];
const NEW_ID = VOCAB.length; // the added token [NEW], outside the WordPiece vocabulary

type Item = { SpecialToken: { id: string; type_id: number } } | { Sequence: { id: 'A' | 'B'; type_id: number } };

function tokenizerJson(single: Item[]): Record<string, unknown> {
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      ...['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t, i) => special(t, i)),
      // normalized: true — matched after the normaliser lower-cases the text, so "[NEW]" and "[new]" both hit it
      { id: NEW_ID, content: '[NEW]', single_word: false, lstrip: false, rstrip: false, normalized: true, special: false },
    ],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single,
      pair: [...single, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]', '[MASK]'].map((t) => [t, { id: t, ids: [VOCAB.indexOf(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
  };
}

const CONFIG = { tokenizer_class: 'BertTokenizer', do_lower_case: true, pad_token: '[PAD]', unk_token: '[UNK]' };
const BERT: Item[] = [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }];

async function encoding(single: Item[], maxLength: number): Promise<TextEncoding> {
  const json = tokenizerJson(single);
  return new TextEncoding(await loadTokenizer(json, CONFIG, 'test'), json, CONFIG, maxLength);
}

describe('TextEncoding', () => {
  test('[CLS] … [SEP], WordPiece pieces, unknown words, punctuation (ids read off the vocabulary)', async () => {
    const e = await encoding(BERT, 64);
    // bako=5 rimu=6 vu=9 ##ka=10 .=11; "zzz" is not in the vocabulary → [UNK]=1
    expect(e.encode('Bako rimu vuka zzz.')).toEqual({ ids: [2, 5, 6, 9, 10, 1, 11, 3], typeIds: [0, 0, 0, 0, 0, 0, 0, 0] });
    expect(e.encode('')).toEqual({ ids: [2, 3], typeIds: [0, 0] });
  });

  test('an added token with normalized: true gets its own id, in any case (it was [UNK] when ids were looked up token by token)', async () => {
    const e = await encoding(BERT, 64);
    expect(e.encode('bako [NEW] rimu').ids).toEqual([2, 5, NEW_ID, 6, 3]);
    expect(e.encode('bako [new] rimu').ids).toEqual([2, 5, NEW_ID, 6, 3]);
    // a special (normalized: false) added token inside the text keeps its id too
    expect(e.encode('bako [MASK] rimu').ids).toEqual([2, 5, 4, 6, 3]);
  });

  test('truncation cuts the text and keeps [CLS] and [SEP]', async () => {
    const e = await encoding(BERT, 5);
    expect(e.encode('bako rimu sela tono vu')).toEqual({ ids: [2, 5, 6, 7, 3], typeIds: [0, 0, 0, 0, 0] });
    // a word split into pieces may be cut between them, as Hugging Face tokenizers do
    expect(e.encode('bako rimu vuka').ids).toEqual([2, 5, 6, 9, 3]);
    // exactly maxLength: nothing cut
    expect(e.encode('bako rimu sela').ids).toEqual([2, 5, 6, 7, 3]);
  });

  test('truncation with two trailing special tokens and type ids of another value keeps both, with their type ids', async () => {
    const template: Item[] = [
      { SpecialToken: { id: '[CLS]', type_id: 0 } },
      { Sequence: { id: 'A', type_id: 1 } },
      { SpecialToken: { id: '[SEP]', type_id: 1 } },
      { SpecialToken: { id: '[MASK]', type_id: 0 } },
    ];
    const e = await encoding(template, 6);
    expect(e.encode('bako rimu sela tono vu')).toEqual({ ids: [2, 5, 6, 7, 3, 4], typeIds: [0, 1, 1, 1, 1, 0] });
    expect(e.encode('bako')).toEqual({ ids: [2, 5, 3, 4], typeIds: [0, 1, 1, 0] });
  });

  test('a maxLength that leaves no room beside the special tokens is refused', async () => {
    await expect(encoding(BERT, 2)).rejects.toThrow(/leaves no room/);
  });

  test('encodeAll gives what encode gives, text by text, in order', async () => {
    const e = await encoding(BERT, 6);
    const texts = ['bako rimu', '', 'vuka [NEW] sela tono vu bako', 'zzz.'];
    expect(e.encodeAll(texts)).toEqual(texts.map((t) => e.encode(t)));
  });
});
