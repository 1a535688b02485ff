#!/usr/bin/env node
// Builds MiniVectorDB's zero-download default text embedding model,
// "wordnet-256", from Debian's `wordnet-base` (WordNet 3.0) and `wamerican`
// (SCOWL word list), into a folder in the Hugging Face layout:
//
//   build/models/wordnet-256/
//     config.json  tokenizer.json  tokenizer_config.json  onnx/model.onnx
//     README.md  LICENSE-WordNet.txt  NOTICE-SCOWL.txt  build-info.json
//
// It runs through the same ONNX embedder as any BERT-style model: a WordPiece
// tokenizer whose vocabulary is whole words plus sub-word pieces, and an ONNX
// graph that looks each token's row up in an int8 table, weights it, sums
// over the text and L2-normalises (see lib/static-graph.mjs). The vectors come
// from WordNet's graph by random indexing (lib/semantic.mjs).
//
// Deterministic: the same input files and scripts give the same bytes. The
// build is skipped when build-info.json records the same inputs (use --force).
//
// Usage: node scripts/model/build-default-model.mjs [--out DIR] [--wordnet DIR]
//          [--words FILE] [--force] [--quiet]
// Needs: apt-get install wordnet-base wamerican
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDenseRandom, hashString } from './lib/random.mjs';
import { DEFAULT_PARAMS, buildSenseVectors, normalizeRow, wordVectorFn } from './lib/semantic.mjs';
import { staticEmbeddingModel } from './lib/static-graph.mjs';
import { STOP_WORDS } from './lib/stopwords.mjs';
import { tokenizerConfig, tokenizerJson } from './lib/tokenizer-files.mjs';
import { PUNCTUATION, SPECIALS, buildVocabulary } from './lib/vocab.mjs';
import { POS, loadWordNet } from './lib/wordnet.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export const MODEL_NAME = 'wordnet-256';
/** Where `node scripts/model/build-default-model.mjs` writes by default. */
export const DEFAULT_OUT_DIR = join(root, 'build', 'models', MODEL_NAME);
/** Files of the model folder, relative to it. */
export const MODEL_FILES = Object.freeze([
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'README.md',
  'LICENSE-WordNet.txt',
  'NOTICE-SCOWL.txt',
  'build-info.json',
]);

/** Everything besides {@link DEFAULT_PARAMS} that shapes the model. */
export const MODEL_PARAMS = Object.freeze({
  semantic: DEFAULT_PARAMS,
  /** importance of a word with SemCor count T: 1 / (1 + kappa · ln(1 + T / tau)) */
  importance: { kappa: 0.5, tau: 50 },
  /** weight of stop words and punctuation (they keep an identity, but hardly count) */
  stopWeight: 0.02,
  /** weight of a whole word WordNet does not know (names, acronyms: "pdf", "jpeg") */
  unknownWordWeight: 0.9,
  /** weight of each sub-word piece of a word outside the vocabulary */
  pieceWeight: 0.65,
  /** rows shared by whole words that start a longer unknown word ("java" in "javascript") */
  prefixBuckets: 2048,
  /** common directions removed from WordNet word vectors (SIF's principal-component removal) */
  removeComponents: 1,
  /** norm of the constant added before normalisation (direction for texts without known tokens) */
  biasNorm: 1e-4,
  /** frequent 3/4-character pieces added to all 1/2-character ones */
  pieces: { initialNgrams: 1500, continuationNgrams: 2500 },
  /** largest |q| of the int8 table: fewer levels compress better (gzip/brotli) at a negligible cost in cosine */
  quantLevels: 15,
  /** model_max_length in tokenizer_config.json */
  maxLength: 4096,
});

/**
 * Builds the model folder.
 * @param {object} [opts]
 * @param {string} [opts.outDir] @defaultValue {@link DEFAULT_OUT_DIR}
 * @param {string} [opts.wordnetDir] @defaultValue '/usr/share/wordnet'
 * @param {string} [opts.wordList] @defaultValue '/usr/share/dict/american-english'
 * @param {string} [opts.wordnetCopyright] @defaultValue '/usr/share/doc/wordnet-base/copyright'
 * @param {string} [opts.scowlCopyright] @defaultValue '/usr/share/doc/wamerican/copyright'
 * @param {object} [opts.params] - overrides of {@link MODEL_PARAMS} (experiments; merged one level deep, `semantic.lateral` two)
 * @param {boolean} [opts.force] - rebuild even when up to date
 * @param {(msg: string) => void} [opts.log]
 * @returns {Promise<{ outDir: string, skipped: boolean, files: Record<string, number> }>} file sizes in bytes
 */
export async function buildDefaultModel(opts = {}) {
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;
  const wordnetDir = opts.wordnetDir ?? '/usr/share/wordnet';
  const wordListPath = opts.wordList ?? '/usr/share/dict/american-english';
  const wnCopyright = opts.wordnetCopyright ?? '/usr/share/doc/wordnet-base/copyright';
  const scowlCopyright = opts.scowlCopyright ?? '/usr/share/doc/wamerican/copyright';
  const log = opts.log ?? (() => {});

  for (const [path, pkg] of [
    [join(wordnetDir, 'data.noun'), 'wordnet-base'],
    [join(wordnetDir, 'cntlist.rev'), 'wordnet-base'],
    [wnCopyright, 'wordnet-base'],
    [wordListPath, 'wamerican'],
    [scowlCopyright, 'wamerican'],
  ]) {
    if (!existsSync(path)) throw new Error(`build-default-model: ${path} is missing; install it with: apt-get install ${pkg}`);
  }

  const P = mergeParams(MODEL_PARAMS, opts.params ?? {});
  const stamp = inputStamp(
    wordnetDir,
    [
      ['words', wordListPath],
      ['wordnet-copyright', wnCopyright],
      ['scowl-copyright', scowlCopyright],
    ],
    P,
  );
  const infoPath = join(outDir, 'build-info.json');
  if (!opts.force && existsSync(infoPath) && MODEL_FILES.every((f) => existsSync(join(outDir, f)))) {
    try {
      if (JSON.parse(readFileSync(infoPath, 'utf8')).inputs === stamp) {
        log(`model: ${relative(root, outDir) || outDir} is up to date`);
        return { outDir, skipped: true, files: sizes(outDir) };
      }
    } catch {
      // unreadable build-info.json: rebuild
    }
  }

  const t0 = Date.now();
  const dim = P.semantic.dim;
  const wn = loadWordNet(wordnetDir);
  const wordList = readFileSync(wordListPath, 'utf8').split('\n');
  log(`model: WordNet ${wn.synsets.length} synsets, ${wn.index.size} lemmas; ${wordList.length} listed words`);

  const stop = new Set(STOP_WORDS);
  /** SemCor count of every sense `form` can have */
  const tagCount = (form) => {
    let t = 0;
    for (const p of POS) for (const lemma of wn.morphy(form, p)) wn.index.get(lemma)[p].forEach((_, i) => (t += wn.count(lemma, p, i + 1)));
    return t;
  };
  const importance = (form) => 1 / (1 + P.importance.kappa * Math.log(1 + tagCount(form) / P.importance.tau));

  // sense vectors, first-pass word vectors, gloss pass, final word vectors
  const senses = buildSenseVectors(wn, P.semantic, (w) => (stop.has(w) ? 0 : importance(w)));
  const firstPass = wordVectorFn(wn, senses.E, dim, P.semantic);
  const wordVector = wordVectorFn(wn, senses.addGloss(firstPass), dim, P.semantic);
  log(`model: sense vectors in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const vocab = buildVocabulary(wn, wordList, STOP_WORDS, P.pieces);
  const V = vocab.tokens.length;

  // one float64 vector and weight per token (before de-duplication)
  /** @type {Array<{ vec: Float64Array, weight: number } | null>} */
  const tokenRows = new Array(V).fill(null);
  const semanticIds = [];
  const punct = new Set(PUNCTUATION);
  for (let id = SPECIALS.length; id < V; id++) {
    const t = vocab.tokens[id];
    const v = new Float64Array(dim);
    if (punct.has(t) || stop.has(t)) {
      addDenseRandom(`token:${t}`, v, 1);
      tokenRows[id] = { vec: v, weight: P.stopWeight };
    } else if (id < vocab.wordEnd) {
      const w = wordVector(t);
      if (w !== undefined) {
        v.set(w);
        tokenRows[id] = { vec: v, weight: importance(t) };
        semanticIds.push(id);
      } else {
        addDenseRandom(`token:${t}`, v, 1);
        tokenRows[id] = { vec: v, weight: P.unknownWordWeight };
      }
    } else {
      addDenseRandom(`piece:${t}`, v, 1);
      tokenRows[id] = { vec: v, weight: P.pieceWeight };
    }
  }
  removeCommonComponents(semanticIds.map((id) => tokenRows[id].vec), dim, P.removeComponents);

  // quantise and de-duplicate rows; row 0 is the zero row of the special tokens
  const rowBytes = [new Int8Array(dim)];
  const rowScale = [0];
  const rowIndex = new Map([[rowKey(rowBytes[0], 0), 0]]);
  const addRow = (vec, weight) => {
    const { q, scale } = quantize(vec, weight, P.quantLevels);
    const key = rowKey(q, scale);
    let r = rowIndex.get(key);
    if (r === undefined) {
      r = rowBytes.length;
      rowBytes.push(q);
      rowScale.push(scale);
      rowIndex.set(key, r);
    }
    return r;
  };
  const wordRow = new Int32Array(V);
  for (let id = SPECIALS.length; id < V; id++) wordRow[id] = addRow(tokenRows[id].vec, tokenRows[id].weight);
  // Whole words followed by a "##" piece get a hashed bucket instead of their meaning.
  const bucketRows = [];
  for (let b = 0; b < P.prefixBuckets; b++) {
    const v = new Float64Array(dim);
    addDenseRandom(`prefix-bucket:${b}`, v, 1);
    bucketRows.push(addRow(v, P.pieceWeight));
  }
  const prefixRow = new Int32Array(V);
  for (let id = 0; id < V; id++) {
    prefixRow[id] = id >= vocab.wordStart && id < vocab.wordEnd ? bucketRows[hashString(vocab.tokens[id], 0x9ef1c0de) % P.prefixBuckets] : wordRow[id];
  }
  const R = rowBytes.length;
  const table = new Int8Array(R * dim);
  rowBytes.forEach((q, r) => table.set(q, r * dim));
  const scale = Float32Array.from(rowScale);
  const biasVec = new Float64Array(dim);
  addDenseRandom('bias', biasVec, P.biasNorm);
  const bias = Float32Array.from(biasVec);

  const onnx = staticEmbeddingModel({
    table,
    scale,
    wordRow,
    prefixRow,
    contStart: vocab.contStart,
    bias,
    doc: 'MiniVectorDB wordnet-256: static word vectors from WordNet 3.0 (random indexing over its graph), weighted sum, L2 norm.',
    metadata: { model: MODEL_NAME, dim: String(dim), vocab_size: String(V), rows: String(R) },
  });
  log(`model: ${V} tokens (${vocab.wordEnd - vocab.wordStart} words, ${V - vocab.wordEnd} pieces), ${R} rows, ${(onnx.length / 1e6).toFixed(1)} MB onnx`);

  const files = {
    'config.json': json({
      model_type: 'minivectordb-static',
      architectures: ['StaticWordEmbedding'],
      hidden_size: dim,
      vocab_size: V,
      pooling: 'weighted-sum, L2 normalised (inside the ONNX graph; output sentence_embedding)',
      minivectordb: { name: MODEL_NAME, rows: R, continuation_start: vocab.contStart, params: P },
    }),
    'tokenizer.json': json(tokenizerJson(vocab.tokens)),
    'tokenizer_config.json': json(tokenizerConfig(P.maxLength)),
    'onnx/model.onnx': onnx,
    'README.md': modelCard(V, R, dim),
    'LICENSE-WordNet.txt': wordnetLicence(readFileSync(wnCopyright, 'utf8')),
    'NOTICE-SCOWL.txt': readFileSync(scowlCopyright, 'utf8'),
    'build-info.json': json({ model: MODEL_NAME, inputs: stamp }),
  };
  writeFolderAtomically(outDir, files);
  log(`model: wrote ${relative(root, outDir) || outDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { outDir, skipped: false, files: sizes(outDir) };
}

/** Removes the top `k` principal directions (power iteration from a fixed start) from unit vectors, then re-normalises. */
function removeCommonComponents(vectors, dim, k) {
  for (let c = 0; c < k; c++) {
    let u = new Float64Array(dim).fill(1 / Math.sqrt(dim));
    for (let it = 0; it < 50; it++) {
      const next = new Float64Array(dim);
      for (const v of vectors) {
        let d = 0;
        for (let i = 0; i < dim; i++) d += v[i] * u[i];
        for (let i = 0; i < dim; i++) next[i] += d * v[i];
      }
      u = normalizeRow(next, 0, dim);
    }
    for (const v of vectors) {
      let d = 0;
      for (let i = 0; i < dim; i++) d += v[i] * u[i];
      for (let i = 0; i < dim; i++) v[i] -= d * u[i];
      normalizeRow(v, 0, dim);
    }
  }
}

/** int8 row with scale·q ≈ weight·vec, |q| ≤ levels (symmetric, per row). */
function quantize(vec, weight, levels) {
  let max = 0;
  for (const x of vec) max = Math.max(max, Math.abs(x));
  const q = new Int8Array(vec.length);
  if (max === 0 || weight === 0) return { q, scale: 0 };
  for (let i = 0; i < vec.length; i++) q[i] = Math.round((vec[i] / max) * levels);
  return { q, scale: Math.fround((max / levels) * weight) };
}

function rowKey(q, scale) {
  return `${Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64')}:${scale}`;
}

function json(obj) {
  return JSON.stringify(obj, null, 1) + '\n';
}

/** Parameters with `over` applied (objects merged, `semantic` and `semantic.lateral` one level further). */
function mergeParams(base, over) {
  const out = { ...base, ...over };
  for (const k of Object.keys(over)) {
    if (typeof over[k] === 'object' && over[k] !== null && typeof base[k] === 'object') out[k] = { ...base[k], ...over[k] };
  }
  if (over.semantic?.lateral) out.semantic.lateral = { ...base.semantic.lateral, ...over.semantic.lateral };
  return out;
}

/**
 * sha256 over the builder's sources, the parameters and the input files, each
 * under a fixed name (so the stamp does not depend on where things are).
 * @param {string} wordnetDir
 * @param {Array<[string, string]>} files - [name, path]
 * @param {object} params
 */
function inputStamp(wordnetDir, files, params) {
  const h = createHash('sha256');
  h.update(JSON.stringify(params));
  const named = [
    ['build-default-model.mjs', join(here, 'build-default-model.mjs')],
    ...readdirSync(join(here, 'lib'))
      .sort()
      .map((f) => [`lib/${f}`, join(here, 'lib', f)]),
    ...readdirSync(wordnetDir)
      .sort()
      .map((f) => [`wordnet/${f}`, join(wordnetDir, f)]),
    ...files,
  ];
  for (const [name, path] of named) {
    h.update(`${name}\0`);
    h.update(readFileSync(path));
  }
  return h.digest('hex');
}

/** Writes every file into a temporary sibling folder, then swaps it in with renames. */
function writeFolderAtomically(outDir, files) {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [name, content] of Object.entries(files)) {
    const p = join(tmp, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  const old = `${outDir}.old-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
}

function sizes(outDir) {
  return Object.fromEntries(MODEL_FILES.map((f) => [f, readFileSync(join(outDir, f)).length]));
}

/** The "License: WordNet3.0" paragraph of Debian's copyright file, de-indented. */
function wordnetLicence(copyright) {
  const m = /^License: WordNet3\.0\n((?: .*\n?)+)/m.exec(copyright);
  if (m === null) throw new Error('build-default-model: no "License: WordNet3.0" paragraph in the wordnet-base copyright file');
  const body = m[1]
    .split('\n')
    .map((l) => (l === ' .' ? '' : l.replace(/^ /, '')))
    .join('\n')
    .trimEnd();
  return `WordNet 3.0 licence (from Debian's wordnet-base copyright file)\n\n${body}\n`;
}

function modelCard(vocabSize, rows, dim) {
  return `# wordnet-256

MiniVectorDB's default text embedding model: ${dim}-dimensional static word
vectors derived from the WordNet 3.0 graph, with no download and no training.
Built by \`scripts/model/build-default-model.mjs\` from Debian's \`wordnet-base\`
and \`wamerican\` packages; the same inputs give the same bytes.

- **Tokenizer** (\`tokenizer.json\`): BERT normalisation and pre-tokenisation,
  WordPiece over ${vocabSize} tokens: whole words (the SCOWL word list and the
  WordNet lemmas they inflect from) plus sub-word pieces, so an unknown word
  (a product name, an identifier) splits into the same pieces every time and
  still matches itself.
- **Model** (\`onnx/model.onnx\`): an int8 table of ${rows} rows with one scale
  per row; the graph looks up each token's row, weights it, sums over the
  text and L2-normalises. Output \`sentence_embedding\` [batch, ${dim}].
- **Vectors**: random indexing over WordNet: a sparse random vector per
  synset; each synset sums its hypernym chain weighted by specificity, plus
  lateral links (derivation, similar-to, part/member, domain…) and the words
  of its gloss; a word sums its senses weighted by SemCor counts (cntlist);
  inflected forms (morphy rules and exception lists) share their lemma's
  vector; frequent words weigh less and stop words almost nothing.

Limits: a bag of words (word order and negation are ignored), English only,
no phrases ("ice cream" is "ice" + "cream").

WordNet 3.0 is © 2006 Princeton University (see LICENSE-WordNet.txt); the
SCOWL word list is © Kevin Atkinson and others (see NOTICE-SCOWL.txt).
`;
}

// CLI
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opts = { log: (m) => console.log(m) };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--out') opts.outDir = value();
    else if (a === '--wordnet') opts.wordnetDir = value();
    else if (a === '--words') opts.wordList = value();
    else if (a === '--force') opts.force = true;
    else if (a === '--quiet') opts.log = () => {};
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/model/build-default-model.mjs [--out DIR] [--wordnet DIR] [--words FILE] [--force] [--quiet]');
      process.exit(0);
    } else {
      console.error(`build-default-model: unknown argument ${a}`);
      process.exit(2);
    }
  }
  try {
    const r = await buildDefaultModel(opts);
    if (!r.skipped) {
      const total = Object.values(r.files).reduce((a, b) => a + b, 0);
      console.log(`model: ${(total / 1e6).toFixed(1)} MB in ${r.outDir}`);
    }
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    process.exit(1);
  }
}
