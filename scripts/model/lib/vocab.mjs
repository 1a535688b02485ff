// The vocabulary of the default model: whole words plus sub-word pieces.
//
// Words: every form of the SCOWL list (wamerican) that survives BERT
// normalisation as [a-z0-9]+, every WordNet lemma those forms inflect from,
// WordNet lemmas that spell an included word's synset differently (British
// spellings: "colour", "labour"), and the stop words.
//
// Pieces (WordPiece "initial" pieces and "##" continuation pieces): every
// single character of the alphabet below and every two-character string of
// [a-z0-9], plus the most frequent three- and four-character ones in the word
// list. A word outside the vocabulary therefore always splits into pieces
// (never [UNK]) and always into the same ones, so it keeps an identity.
import { POS } from './wordnet.mjs';

/** Special tokens, ids 0..4, in this order. */
export const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

const DIGITS_LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
/**
 * Letters BERT normalisation (lower case, accents stripped) can leave outside
 * a-z: Latin letters without a decomposition, Greek and Cyrillic.
 */
const EXTRA_LETTERS = 'ßæøœđłþðıħŋſ' + 'αβγδεζηθικλμνξοπρςστυφχψω' + 'абвгдежзийклмнопрстуфхцчшщъыьэюяёєіїўґ';
/** ASCII punctuation: the BERT pre-tokenizer makes each a token of its own. */
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** What BertNormalizer does to a word: lower case, NFD, drop non-spacing marks. */
export function bertNormalize(word) {
  return word.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
}

/**
 * @param {ReturnType<import('./wordnet.mjs').loadWordNet>} wn
 * @param {string[]} wordList - lines of the SCOWL word list
 * @param {readonly string[]} stopWords
 * @param {{ initialNgrams: number, continuationNgrams: number }} sizes - how many 3/4-character pieces of each kind
 */
export function buildVocabulary(wn, wordList, stopWords, sizes) {
  const isToken = (w) => /^[a-z0-9]+$/.test(w);
  const words = new Set();
  for (const line of wordList) {
    if (line.length === 0 || line.includes("'")) continue; // possessives: "car's" → car ' s
    const w = bertNormalize(line);
    if (isToken(w)) words.add(w);
  }
  // lemmas the forms inflect from ("geese" is listed, "goose" too; but "mice" → "mouse" must be there)
  for (const w of [...words]) for (const p of POS) for (const b of wn.morphy(w, p)) if (isToken(b)) words.add(b);
  // other spellings of an included word's synsets (each of whose senses has an included synonym)
  const included = (s) => wn.synsets[s].words.some((x) => words.has(x));
  for (const lemma of [...wn.index.keys()].sort()) {
    if (!isToken(lemma) || words.has(lemma)) continue;
    const entry = wn.index.get(lemma);
    const senses = POS.flatMap((p) => entry[p] ?? []);
    if (senses.length > 0 && senses.every(included)) words.add(lemma);
  }
  for (const w of stopWords) words.add(w);

  const sortedWords = [...words].sort();
  const initial = new Set();
  const continuation = new Set();
  for (const c of DIGITS_LETTERS + EXTRA_LETTERS) {
    initial.add(c);
    continuation.add('##' + c);
  }
  for (const a of DIGITS_LETTERS) for (const b of DIGITS_LETTERS) {
    initial.add(a + b);
    continuation.add('##' + a + b);
  }
  const initCount = new Map();
  const contCount = new Map();
  for (const w of sortedWords) {
    for (const n of [3, 4]) {
      if (w.length > n) bump(initCount, w.slice(0, n)); // a whole word never needs to be a piece of itself
      for (let i = 1; i + n <= w.length; i++) bump(contCount, w.slice(i, i + n));
    }
  }
  for (const g of topKeys(initCount, sizes.initialNgrams)) initial.add(g);
  for (const g of topKeys(contCount, sizes.continuationNgrams)) continuation.add('##' + g);

  // ids: specials, punctuation, words, initial pieces that are not words, continuation pieces (last, so
  // "is a continuation" is one comparison in the graph)
  const tokens = [...SPECIALS];
  for (const c of PUNCTUATION) tokens.push(c);
  const punct = new Set(PUNCTUATION);
  for (const w of sortedWords) if (!punct.has(w)) tokens.push(w);
  const wordEnd = tokens.length;
  for (const p of [...initial].sort()) if (!words.has(p)) tokens.push(p);
  const contStart = tokens.length;
  for (const p of [...continuation].sort()) tokens.push(p);
  const ids = new Map(tokens.map((t, i) => [t, i]));
  if (ids.size !== tokens.length) throw new Error('vocab: duplicate token');
  return { tokens, ids, wordStart: SPECIALS.length + PUNCTUATION.length, wordEnd, contStart };
}

function bump(m, k) {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** The `k` most frequent keys; ties broken by the key, so the choice is deterministic. */
function topKeys(m, k) {
  return [...m.entries()]
    .filter(([key]) => /^[a-z0-9]+$/.test(key))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, k)
    .map(([key]) => key);
}
