/**
 * The analyzer of the BM25 text index: text → terms. The same function
 * analyses documents and queries, so both meet on the same terms.
 *
 * 1. Unicode: NFKC (compatibility forms: ligatures, full-width letters),
 *    Latin/Greek/Cyrillic diacritics removed (NFD, then U+0300–U+036F
 *    dropped: `café` → `cafe`; other scripts' combining marks, which carry
 *    meaning, stay), lower case (locale-independent `toLowerCase`).
 * 2. Chunks: maximal runs of letters, digits and marks, joined by inner
 *    `-`, `_`, `.`, `+` (`python3-requests`, `libc6.1`, `g++`); everything else
 *    (spaces, punctuation, symbols) separates.
 * 3. Identifier splitting: a chunk is split at its joiners into words, and a
 *    word at letter↔digit changes and camelCase humps (`img2pdf` → `img` `2`
 *    `pdf`, `XMLParser` → `xml` `parser`) into parts. Every part is a term;
 *    so is every whole chunk and word that was split (preserved, as Lucene's
 *    word-delimiter filter does with `preserveOriginal`), so an exact name
 *    query (`img2pdf`, `python3-requests`) meets that rare whole term too.
 * 4. Stemming: parts and whole words made of Latin letters go through the
 *    Porter stemmer (Porter 1980, the `stemmer` package) — `images` → `imag`
 *    = `image` → `imag`; digits, chunks with digits or joiners and other
 *    scripts are kept as they are.
 * 5. Stop words: the English stop set of Lucene's `EnglishAnalyzer` (33
 *    words: `the`, `of`, `to`, …) is dropped as parts, so a query's filler
 *    words never rank a document.
 */
import { stemmer } from 'stemmer';

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`. */
const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' '),
);

/** Letters, digits and marks, optionally joined by single inner joiners (`-_.+`); trailing `+` kept (`g++`, `c++`). */
const CHUNK = /[\p{L}\p{N}\p{M}]+(?:[-_.+][\p{L}\p{N}\p{M}]+)*\+*/gu;
/** Splits a chunk into words at its joiners. */
const JOINERS = /[-_.+]+/;
const HAS_JOINER = /[-_.+]/;
/** Splits a word into parts: digit runs, capitalised or lower-case letter runs, and acronyms before a capitalised word. */
const PARTS = /\p{N}+|\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?[\p{Ll}\p{M}\p{Lo}\p{Lm}\p{Lt}]+|\p{Lu}+|[\p{L}\p{M}]+/gu;
/** Parts the Porter stemmer applies to (it is an English stemmer). */
const LATIN_WORD = /^[a-z]+$/;
/** Latin, Greek and Cyrillic combining diacritics (after NFD). */
const DIACRITICS = /[\u0300-\u036f]/g;

/** Stems are memoised: a corpus repeats few distinct words many times (bounded so memory stays small). */
const stems = new Map<string, string>();
const MAX_STEMS = 100_000;

function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stems.size >= MAX_STEMS) stems.clear();
    stems.set(word, s);
  }
  return s;
}

/** Folds compatibility forms and diacritics, keeping case (camelCase splitting needs it). */
function fold(text: string): string {
  const nfkc = text.normalize('NFKC');
  // Pure ASCII needs no decomposition (the common case: skip two passes).
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u007f]*$/.test(nfkc) ? nfkc : nfkc.normalize('NFD').replace(DIACRITICS, '').normalize('NFC');
}

/** One part only: lower case, or capitalised (the common case: no regex split needed). */
const SIMPLE_WORD = /^[A-Za-z][a-z]*$/;

/** Pushes the analysed parts of one word (no joiners) onto `out`; returns how many parts it had. */
function pushParts(word: string, out: string[]): number {
  const parts = SIMPLE_WORD.test(word) ? [word] : (word.match(PARTS) ?? []);
  for (const raw of parts) {
    const part = raw.toLowerCase();
    if (STOP_WORDS.has(part)) continue;
    out.push(LATIN_WORD.test(part) ? stem(part) : part);
  }
  return parts.length;
}

/** A preserved whole word: stemmed like a one-part word when it is all Latin letters (`NumPy` → `numpi`, as `numpy`). */
function analyseWhole(word: string): string {
  return LATIN_WORD.test(word) ? stem(word) : word;
}

/**
 * The terms of `text`, in order of appearance (repeats kept: they are term
 * frequencies). Pure: the same text always gives the same terms.
 * @param text - any string.
 * @returns analysed terms (lower-case, folded; see the module comment), e.g.
 *   `tokenize('img2pdf')` → `['img2pdf', 'img', '2', 'pdf']`,
 *   `tokenize('python3-requests')` → `['python3-requests', 'python3', 'python', '3', 'request']`.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const [chunk] of fold(text).matchAll(CHUNK)) {
    const words = HAS_JOINER.test(chunk) ? chunk.split(JOINERS).filter((w) => w !== '') : [chunk];
    if (words.length > 1 || words[0] !== chunk) out.push(chunk.toLowerCase());
    for (const word of words) {
      const at = out.length;
      const n = pushParts(word, out);
      if (n > 1) out.splice(at, 0, analyseWhole(word.toLowerCase()));
    }
  }
  return out;
}
