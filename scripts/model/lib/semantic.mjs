// Static word vectors derived from WordNet's graph by random indexing.
//
// 1. Every synset s gets a sparse random "index vector" r(s) (a few ±1 in
//    `dim` positions): near-orthogonal to every other synset's.
// 2. Its chain vector h(s) sums r over s and its hypernym ancestors, each
//    weighted by its specificity (information content from the size of its
//    hyponym tree: "entity" ≈ 0, a leaf = 1) and decayed by distance, so
//    "car" and "truck" share "motor vehicle" strongly and "entity" not at all.
// 3. Its sense vector e(s) adds normalised chain vectors of lateral neighbours
//    (derivation, similar-to, also-see, verb group, attribute, part/member/
//    substance holonyms and meronyms, topic and region domains, pertainyms,
//    entailment, cause), then the words of its gloss (second pass).
// 4. A word's vector is a sum over every sense of every lemma it can be an
//    inflection of (morphy), weighted by SemCor sense counts (cntlist) with a
//    rank prior for untagged senses.
//
// All sums run in a fixed order (per-synset tables in float32, word vectors
// in float64), so the result is a function of the input files and the
// parameters only.
import { sparseIndexVector } from './random.mjs';

/** Parameters of the construction; {@link DEFAULT_PARAMS} is what the shipped model uses. */
export const DEFAULT_PARAMS = Object.freeze({
  dim: 256,
  /** non-zeros per index vector */
  nonZeros: 12,
  /** weight of an ancestor at distance d: ic^icPower · decay^d */
  decay: 1,
  icPower: 0.7,
  /** weight of the synset's own index vector in its chain vector */
  selfWeight: 0.6,
  /** per pointer symbol: weight of the neighbours' (normalised) chain vectors, shared as w/√n over n neighbours */
  lateral: {
    '+': 0.7, // derivationally related form
    '&': 0.5, // similar to (adjective satellites)
    '^': 0.3, // also see
    $: 0.4, // verb group
    '=': 0.3, // attribute
    '<': 0.4, // participle of verb
    '\\': 0.45, // pertainym / derived from adjective
    '#p': 0.25, // part holonym
    '#m': 0.25, // member holonym
    '#s': 0.25, // substance holonym
    '%p': 0.2, // part meronym
    '%m': 0.15, // member meronym
    '%s': 0.2, // substance meronym
    ';c': 0.3, // topic domain
    ';r': 0.1, // region domain
    '*': 0.25, // entailment
    '>': 0.25, // cause
    '~': 0.15, // hyponyms (a general word leans a little towards its kinds)
  },
  /** weight of the (normalised) mean gloss-word vector */
  gloss: 0.7,
  /** weight of a word of the gloss's quoted examples, relative to a word of its definition */
  glossExamples: 0,
  /** prior pseudo-count of sense i (0-based) within a lemma: senseAlpha / (1 + i) */
  senseAlpha: 1,
  /** sense weights are raised to this power (> 1 favours a lemma's dominant sense) */
  senseExp: 2.5,
});

/**
 * @param {ReturnType<import('./wordnet.mjs').loadWordNet>} wn
 * @param {typeof DEFAULT_PARAMS} params
 * @param {(form: string) => number} glossWordWeight - importance of a gloss word (0 for stop words)
 */
export function buildSenseVectors(wn, params, glossWordWeight) {
  const { dim, nonZeros } = params;
  const N = wn.synsets.length;

  // 1. index vectors
  const idxPos = new Int32Array(N * nonZeros);
  const idxSign = new Int8Array(N * nonZeros);
  const pos = new Int32Array(nonZeros);
  const sign = new Int8Array(nonZeros);
  for (let s = 0; s < N; s++) {
    const syn = wn.synsets[s];
    sparseIndexVector(`${syn.pos}${syn.offset}`, dim, nonZeros, pos, sign);
    idxPos.set(pos, s * nonZeros);
    idxSign.set(sign, s * nonZeros);
  }
  const addIndex = (out, o, s, w) => {
    for (let j = 0; j < nonZeros; j++) out[o + idxPos[s * nonZeros + j]] += w * idxSign[s * nonZeros + j];
  };

  // 2. specificity: information content from hyponym-tree sizes, per pos
  const parents = wn.synsets.map((syn) => syn.ptrs.filter((p) => p.sym === '@' || p.sym === '@i').map((p) => p.target));
  const children = wn.synsets.map((syn) => syn.ptrs.filter((p) => p.sym === '~' || p.sym === '~i').map((p) => p.target));
  const desc = new Float64Array(N); // 0 = not computed
  const descOf = (root) => {
    // iterative post-order DFS (the noun hierarchy is ~20 deep, but stay safe)
    const stack = [root];
    while (stack.length > 0) {
      const s = stack[stack.length - 1];
      if (desc[s] > 0) {
        stack.pop();
        continue;
      }
      let ready = true;
      for (const c of children[s]) if (desc[c] === 0) {
        ready = false;
        stack.push(c);
      }
      if (ready) {
        let n = 1;
        for (const c of children[s]) n += desc[c];
        desc[s] = n;
        stack.pop();
      }
    }
    return desc[root];
  };
  const maxDesc = { n: 1, v: 1, a: 1, r: 1 };
  for (let s = 0; s < N; s++) {
    const d = descOf(s);
    const p = wn.synsets[s].pos;
    if (d > maxDesc[p]) maxDesc[p] = d;
  }
  const ic = new Float64Array(N);
  for (let s = 0; s < N; s++) {
    const m = maxDesc[wn.synsets[s].pos];
    ic[s] = m > 1 ? 1 - Math.log(desc[s]) / Math.log(m) : 1;
  }

  // 3. chain vectors h(s): self + ancestors at their shortest distance
  const H = new Float32Array(N * dim);
  const dist = new Map();
  for (let s = 0; s < N; s++) {
    dist.clear();
    dist.set(s, 0);
    let frontier = [s];
    for (let d = 1; frontier.length > 0; d++) {
      const next = [];
      for (const x of frontier) for (const p of parents[x]) if (!dist.has(p)) {
        dist.set(p, d);
        next.push(p);
      }
      frontier = next;
    }
    const o = s * dim;
    for (const [a, d] of dist) {
      const w = d === 0 ? params.selfWeight : Math.pow(ic[a], params.icPower) * Math.pow(params.decay, d);
      addIndex(H, o, a, w);
    }
    normalizeRow(H, o, dim);
  }

  // 4. sense vectors e(s): chain + lateral neighbours
  const E = new Float32Array(N * dim);
  for (let s = 0; s < N; s++) {
    const o = s * dim;
    for (let i = 0; i < dim; i++) E[o + i] = H[o + i];
    const groups = new Map();
    for (const p of wn.synsets[s].ptrs) {
      const w = params.lateral[p.sym];
      if (w === undefined || p.target === s) continue;
      let g = groups.get(p.sym);
      if (g === undefined) groups.set(p.sym, (g = new Set()));
      g.add(p.target);
    }
    for (const sym of [...groups.keys()].sort()) {
      const targets = [...groups.get(sym)].sort((a, b) => a - b);
      const w = params.lateral[sym] / Math.sqrt(targets.length);
      for (const t of targets) for (let i = 0; i < dim; i++) E[o + i] += w * H[t * dim + i];
    }
  }
  return { E, H, ic, desc, dim, N, addGloss: (wordVec) => addGlossPass(wn, E, dim, params, wordVec, glossWordWeight) };
}

/** Second pass: e(s) += gloss · normalise(Σ weight(w) · v(w)) over the words of the definition. */
function addGlossPass(wn, E, dim, params, wordVec, glossWordWeight) {
  const N = wn.synsets.length;
  const out = new Float32Array(E.length);
  const acc = new Float64Array(dim);
  for (let s = 0; s < N; s++) {
    const o = s * dim;
    for (let i = 0; i < dim; i++) out[o + i] = E[o + i];
    acc.fill(0);
    let any = false;
    const own = new Set(wn.synsets[s].words);
    const words = glossTokens(wn.synsets[s].gloss).map((w) => [w, 1]);
    if (params.glossExamples > 0) for (const w of glossTokens(wn.synsets[s].examples)) words.push([w, params.glossExamples]);
    for (const [w, rel] of words) {
      if (own.has(w)) continue;
      const g = glossWordWeight(w) * rel;
      if (g <= 0) continue;
      const v = wordVec(w);
      if (v === undefined) continue;
      for (let i = 0; i < dim; i++) acc[i] += g * v[i];
      any = true;
    }
    if (!any) continue;
    let n = 0;
    for (let i = 0; i < dim; i++) n += acc[i] * acc[i];
    let e = 0;
    for (let i = 0; i < dim; i++) e += E[o + i] * E[o + i];
    const f = (params.gloss * Math.sqrt(e)) / Math.sqrt(n);
    for (let i = 0; i < dim; i++) out[o + i] += f * acc[i];
  }
  return out;
}

/** Lower-case alphanumeric words of a gloss. */
export function glossTokens(text) {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * Word vectors: the sense mixture of every lemma `form` can be (morphy in
 * every pos), weighted by SemCor counts plus a rank prior.
 * @returns {(form: string) => Float64Array | undefined} unit vectors; undefined when WordNet does not know the form
 */
export function wordVectorFn(wn, E, dim, params) {
  const cache = new Map();
  return (form) => {
    if (cache.has(form)) return cache.get(form);
    const v = new Float64Array(dim);
    let any = false;
    for (const p of ['n', 'v', 'a', 'r']) {
      for (const lemma of wn.morphy(form, p)) {
        const senses = wn.index.get(lemma)[p];
        for (let i = 0; i < senses.length; i++) {
          const w = Math.pow(wn.count(lemma, p, i + 1) + params.senseAlpha / (1 + i), params.senseExp);
          const o = senses[i] * dim;
          let n = 0;
          for (let k = 0; k < dim; k++) n += E[o + k] * E[o + k];
          const f = w / Math.sqrt(n);
          for (let k = 0; k < dim; k++) v[k] += f * E[o + k];
          any = true;
        }
      }
    }
    const out = any ? normalizeRow(v, 0, dim) : undefined;
    cache.set(form, out);
    return out;
  };
}

/** Scales row `o..o+dim` of `a` to unit length (left alone when zero); returns `a`. */
export function normalizeRow(a, o, dim) {
  let n = 0;
  for (let i = 0; i < dim; i++) n += a[o + i] * a[o + i];
  if (n > 0) {
    const f = 1 / Math.sqrt(n);
    for (let i = 0; i < dim; i++) a[o + i] *= f;
  }
  return a;
}
