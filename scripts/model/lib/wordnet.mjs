// Reader for the WordNet 3.0 database files as Debian's `wordnet-base`
// installs them (/usr/share/wordnet): data.{noun,verb,adj,adv},
// index.{noun,verb,adj,adv}, {noun,verb,adj,adv}.exc and cntlist.rev.
// File formats: wndb(5WN), cntlist(5WN) and morphy(7WN) in the WordNet docs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Part-of-speech letters, in file order. Adjective satellites ('s') are folded into 'a'. */
export const POS = /** @type {const} */ (['n', 'v', 'a', 'r']);
const POS_FILE = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };
/** ss_type digit of a sense key → pos letter. */
const SS_TYPE = { 1: 'n', 2: 'v', 3: 'a', 4: 'r', 5: 'a' };

/**
 * Morphy's detachment rules (morphy(7WN)): [suffix, replacement] per pos.
 * Tried in this order; only results that are lemmas of that pos are kept.
 */
const RULES = {
  n: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  v: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  a: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  r: [],
};

/**
 * @typedef {object} Synset
 * @property {'n'|'v'|'a'|'r'} pos
 * @property {string} offset - 8-digit byte offset in its data file (the synset's id within its pos)
 * @property {boolean} satellite - adjective satellite ('s')
 * @property {string[]} words - lemmas, lower case, '_' between the words of a collocation
 * @property {Array<{sym: string, target: number, src: number, dst: number}>} ptrs -
 *   pointers; `target` is a synset index; `src`/`dst` are 1-based word numbers (0 = whole synset)
 * @property {string} gloss - the definition, without the quoted examples
 * @property {string} examples - the quoted examples, joined by spaces
 */

/**
 * Loads the whole database.
 * @param {string} dir - folder with the WordNet files
 */
export function loadWordNet(dir) {
  /** @type {Synset[]} */
  const synsets = [];
  /** `${pos}${offset}` → synset index */
  const byKey = new Map();
  /** @type {string[][]} */
  const rawPtrs = [];

  for (const pos of POS) {
    const text = readFileSync(join(dir, `data.${POS_FILE[pos]}`), 'latin1');
    for (const line of text.split('\n')) {
      if (line.length === 0 || line.startsWith('  ')) continue; // licence header
      const bar = line.indexOf(' | ');
      const head = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
      const glossAll = bar >= 0 ? line.slice(bar + 3).trim() : '';
      let i = 0;
      const offset = head[i++];
      i++; // lex_filenum
      const ssType = head[i++];
      const wCnt = parseInt(head[i++], 16);
      const words = [];
      for (let w = 0; w < wCnt; w++) {
        // Adjectives may carry a syntactic marker: "long(a)", "galore(ip)".
        words.push(head[i++].replace(/\((a|p|ip)\)$/, '').toLowerCase());
        i++; // lex_id
      }
      const pCnt = parseInt(head[i++], 10);
      const ptrs = [];
      for (let p = 0; p < pCnt; p++) {
        ptrs.push([head[i], head[i + 1], head[i + 2] === 's' ? 'a' : head[i + 2], head[i + 3]]);
        i += 4;
      }
      const { gloss, examples } = splitGloss(glossAll);
      byKey.set(pos + offset, synsets.length);
      synsets.push({ pos, offset, satellite: ssType === 's', words, ptrs: [], gloss, examples });
      rawPtrs.push(ptrs);
    }
  }
  for (let s = 0; s < synsets.length; s++) {
    for (const [sym, off, pos, srcDst] of rawPtrs[s]) {
      const target = byKey.get(pos + off);
      if (target === undefined) throw new Error(`wordnet: dangling pointer ${sym} ${off} ${pos}`);
      synsets[s].ptrs.push({ sym, target, src: parseInt(srcDst.slice(0, 2), 16), dst: parseInt(srcDst.slice(2), 16) });
    }
  }

  /** lemma → { n?: number[], v?: …, a?: …, r?: … } synset indices in sense order */
  const index = new Map();
  for (const pos of POS) {
    const text = readFileSync(join(dir, `index.${POS_FILE[pos]}`), 'latin1');
    for (const line of text.split('\n')) {
      if (line.length === 0 || line.startsWith('  ')) continue;
      const f = line.trim().split(' ');
      const lemma = f[0];
      const synsetCnt = parseInt(f[2], 10);
      const pCnt = parseInt(f[3], 10);
      const offsets = f.slice(4 + pCnt + 2, 4 + pCnt + 2 + synsetCnt);
      let entry = index.get(lemma);
      if (entry === undefined) index.set(lemma, (entry = {}));
      entry[pos] = offsets.map((o) => {
        const s = byKey.get(pos + o);
        if (s === undefined) throw new Error(`wordnet: index entry ${lemma} points at missing synset ${pos}${o}`);
        return s;
      });
    }
  }

  /** `${lemma}\t${pos}\t${senseNumber}` → SemCor tag count (cntlist.rev) */
  const counts = new Map();
  for (const line of readFileSync(join(dir, 'cntlist.rev'), 'latin1').split('\n')) {
    if (line.length === 0) continue;
    const [key, senseNo, cnt] = line.split(' ');
    const pct = key.indexOf('%');
    const lemma = key.slice(0, pct).toLowerCase();
    const pos = SS_TYPE[key[pct + 1]];
    const k = `${lemma}\t${pos}\t${senseNo}`;
    counts.set(k, (counts.get(k) ?? 0) + parseInt(cnt, 10));
  }

  /** pos → Map(inflected form → base forms) */
  const exceptions = {};
  for (const pos of POS) {
    const m = new Map();
    for (const line of readFileSync(join(dir, `${POS_FILE[pos]}.exc`), 'latin1').split('\n')) {
      if (line.length === 0) continue;
      const [form, ...bases] = line.trim().split(' ');
      m.set(form, bases);
    }
    exceptions[pos] = m;
  }

  /**
   * Base forms of `form` as a `pos` lemma: the exception list if it has the
   * form, else the detachment rules; plus `form` itself when it is a lemma.
   * Only forms that are lemmas of that pos are returned, in a fixed order.
   * @param {string} form
   * @param {'n'|'v'|'a'|'r'} pos
   * @returns {string[]}
   */
  function morphy(form, pos) {
    const isLemma = (w) => index.get(w)?.[pos] !== undefined;
    const out = [];
    const add = (w) => {
      if (isLemma(w) && !out.includes(w)) out.push(w);
    };
    add(form);
    const exc = exceptions[pos].get(form);
    if (exc !== undefined) {
      for (const b of exc) add(b);
      return out;
    }
    for (const [suffix, repl] of RULES[pos]) {
      if (form.endsWith(suffix) && form.length > suffix.length) add(form.slice(0, form.length - suffix.length) + repl);
    }
    return out;
  }

  /** SemCor count of sense `senseNo` (1-based) of lemma/pos; 0 when untagged. */
  function count(lemma, pos, senseNo) {
    return counts.get(`${lemma}\t${pos}\t${senseNo}`) ?? 0;
  }

  return { synsets, index, exceptions, morphy, count };
}

/** Splits a gloss into its definition and its quoted examples. */
function splitGloss(g) {
  const examples = [];
  const gloss = g
    .replace(/"([^"]*)"/g, (_, ex) => {
      examples.push(ex);
      return ' ';
    })
    .replace(/[;\s]+$/, '')
    .trim();
  return { gloss, examples: examples.join(' ') };
}
