// Search quality on the demo corpus (`npm run bench -- --quality-only`):
// the labelled sets of bench/quality/ (everyday intents with the packages a
// person would accept; exact-term queries with one target each), searched
// in 'vector', 'text' and 'hybrid' modes of a database built as the web demo
// builds it (web-demo/src/corpus.ts: the same texts, metadata and text-index
// options; wordnet-256; efConstruction 100), reporting success@5 (an
// accepted package in the top 5) and MRR@10 (1/rank of the first accepted
// one in the top 10, else 0), averaged over the queries.
// The corpus vectors are cached in build/quality/ (embedding 63k summaries
// takes ~20 s); the index is built fresh on every run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './data.mjs';

const K = 10;
const SUCCESS_AT = 5;
/** Fusion weights of the BM25 list measured besides the library's default (0.5) and the demo's. */
const WEIGHTS = [0.3, 0.6, 0.7, 0.8, 0.9];

/** web-demo/src/corpus.ts, compiled with esbuild, so the bench indexes exactly what the demo indexes. */
export async function demoCorpusModule() {
  const { transform } = await import('esbuild');
  const source = readFileSync(join(repoRoot, 'web-demo', 'src', 'corpus.ts'), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

function loadJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Vectors of `texts` with the default model, cached by the texts' hash. */
export async function corpusVectors(lib, texts, log) {
  const hash = createHash('sha256').update(JSON.stringify(texts)).digest('hex').slice(0, 16);
  const dir = join(repoRoot, 'build', 'quality');
  const file = join(dir, `wordnet-256-${hash}.f32`);
  const dim = lib.DEFAULT_TEXT_MODEL_DIM;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const flat = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (flat.length === texts.length * dim) return flat;
  }
  log(`embedding ${texts.length} package texts with ${lib.DEFAULT_TEXT_MODEL} (cached afterwards in ${file})`);
  const embedder = await lib.createEmbedder({});
  const flat = new Float32Array(texts.length * dim);
  const vectors = await embedder.embed(texts);
  vectors.forEach((v, i) => flat.set(v, i * dim));
  await embedder.dispose();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, new Uint8Array(flat.buffer));
  return flat;
}

/** success@5 and MRR@10 of ranked id lists against the accepted ids of each query. */
export function qualityScores(rankings, accepted) {
  let success = 0;
  let rr = 0;
  rankings.forEach((ids, q) => {
    const ok = accepted[q];
    const first = ids.slice(0, K).findIndex((id) => ok.has(id));
    if (first >= 0 && first < SUCCESS_AT) success++;
    if (first >= 0) rr += 1 / (first + 1);
  });
  return { success5: success / rankings.length, mrr10: rr / rankings.length };
}

/**
 * Builds the demo's database and measures every mode on both sets.
 * @returns `{ corpus, intents, exact, rows: [{ label, mode, textWeight, intents: {success5, mrr10}, exact: {…}, ms }] , textIndex, buildSeconds }`.
 */
export async function benchQuality({ log }) {
  const lib = await import(pathToFileURL(join(repoRoot, 'dist', 'index.js')).href);
  const corpusFile = join(repoRoot, 'build', 'demo', 'packages.json');
  if (!existsSync(corpusFile)) throw new Error(`${corpusFile} is missing: run node scripts/demo/extract-packages.mjs`);
  const corpus = loadJson(corpusFile);
  const demo = await demoCorpusModule();
  const intents = loadJson(join(repoRoot, 'bench', 'quality', 'intents.json'));
  const exact = loadJson(join(repoRoot, 'bench', 'quality', 'exact.json'));
  const ids = new Set(corpus.rows.map((r) => `pkg:${r[0]}`));
  for (const n of exact.notes) ids.add(n.id);
  const idOf = (name) => (name.startsWith('note:') ? name : `pkg:${name}`);
  for (const q of intents.queries) for (const name of q.accept) if (!ids.has(idOf(name))) throw new Error(`intents.json: ${q.query}: no package ${name} in the corpus`);
  for (const q of exact.queries) if (!ids.has(idOf(q.target))) throw new Error(`exact.json: ${q.query}: no package ${q.target} in the corpus`);

  const items = corpus.rows.map(demo.packageItem);
  const vectors = await corpusVectors(lib, items.map((it) => it.text), log);
  const dim = lib.DEFAULT_TEXT_MODEL_DIM;
  const t0 = performance.now();
  const db = await lib.MiniVectorDB.create({ storeText: true, textIndex: demo.TEXT_INDEX, efConstruction: 100 });
  const BATCH = 4096;
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH).map((it, j) => ({ ...it, vector: vectors.subarray((start + j) * dim, (start + j + 1) * dim) }));
    await db.insertMany(batch);
  }
  // The demo's notes: texts only, embedded by the database (as 'Add your own text' does).
  await db.insertMany(exact.notes.map((n) => ({ id: n.id, text: n.text, metadata: { name: 'Your text', section: 'my notes', summary: n.text } })));
  const buildSeconds = (performance.now() - t0) / 1000;
  log(`quality: indexed ${items.length + exact.notes.length} texts in ${buildSeconds.toFixed(1)} s`);

  // Time to open the snapshot, the text index included (read from its stored terms).
  const url = `memory://quality-${Date.now()}`;
  await db.save(url);
  const t1 = performance.now();
  const reopened = await lib.MiniVectorDB.open(url);
  const openSeconds = (performance.now() - t1) / 1000;
  await reopened.close();
  await lib.MiniVectorDB.removeSaved(url);

  const sets = {
    intents: { queries: intents.queries.map((q) => q.query), accepted: intents.queries.map((q) => new Set(q.accept.map(idOf))) },
    exact: { queries: exact.queries.map((q) => q.query), accepted: exact.queries.map((q) => new Set([idOf(q.target)])) },
  };
  const configs = [
    { label: 'vector', options: { mode: 'vector' } },
    { label: 'text (BM25)', options: { mode: 'text' } },
    { label: 'hybrid (default: mode and w = 0.5 unset)', options: {} },
    ...WEIGHTS.map((w) => ({ label: `hybrid, w = ${w}${w === demo.TEXT_WEIGHT ? ' (the demo)' : ''}`, options: { mode: 'hybrid', textWeight: w } })),
  ];
  const rows = [];
  for (const c of configs) {
    const row = { label: c.label, options: c.options };
    let ms = 0;
    let n = 0;
    for (const [name, set] of Object.entries(sets)) {
      const t = performance.now();
      const results = await db.searchBatch(set.queries, { k: K, ...c.options });
      ms += performance.now() - t;
      n += set.queries.length;
      row[name] = qualityScores(results.map((hits) => hits.map((h) => h.id)), set.accepted);
    }
    row.msPerQuery = ms / n;
    rows.push(row);
  }
  const ablation = await textIndexAblation(db, sets, items.concat(exact.notes.map((n) => ({ id: n.id, text: n.text, metadata: { name: 'Your text' } }))));
  await db.close();
  return { corpus: corpus.rows.length, notes: exact.notes.length, intents: intents.queries.length, exactQueries: exact.queries.length, textIndex: demo.TEXT_INDEX, buildSeconds, openSeconds, rows, ablation };
}

/**
 * What tokenization and field weights do: the same vector lists fused
 * (w = 0.5, depth 100, as `'hybrid'` does) with text lists from other BM25
 * indexes, built with the library's internal modules (dist/lexical/): a
 * naive one (lower case, split on non-alphanumerics, no stemming, text
 * only), ours without fields, ours with the name weighted 1, 2, 3.
 */
async function textIndexAblation(db, sets, docs) {
  const lexical = (file) => import(pathToFileURL(join(repoRoot, 'dist', 'lexical', file)).href);
  const [{ Bm25Index }, { TextIndex }, { reciprocalRankFusion }, { FUSION_DEPTH }] = await Promise.all(
    ['bm25.js', 'text-index.js', 'fusion.js', 'search.js'].map(lexical),
  );
  const labelOf = new Map(docs.map((d, i) => [d.id, i]));
  const vectorLists = {};
  for (const [name, set] of Object.entries(sets)) {
    vectorLists[name] = (await db.searchBatch(set.queries, { k: FUSION_DEPTH, mode: 'vector' })).map((hits) => hits.map((h) => labelOf.get(h.id)));
  }
  const naive = (t) => t.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const naiveIndex = new Bm25Index({ k1: 1.2, b: 0.75 });
  docs.forEach((d, i) => naiveIndex.add(i, [{ terms: naive(d.text), weight: 1 }]));
  const variants = [{ label: 'naive BM25 (no stemming, no splitting, text only)', search: (q, n) => naiveIndex.search(naive(q), n).labels }];
  for (const weight of [0, 1, 2, 3]) {
    const index = new TextIndex({ k1: 1.2, b: 0.75, fields: weight === 0 ? {} : { name: weight } });
    docs.forEach((d, i) => index.set(i, d.text, d.metadata));
    variants.push({ label: weight === 0 ? 'our analyzer, text only' : `our analyzer, name weighted ${weight}`, search: (q, n) => index.search(q, n).labels });
  }
  return variants.map(({ label, search }) => {
    const row = { label };
    for (const [name, set] of Object.entries(sets)) {
      const textLists = set.queries.map((q) => search(q, FUSION_DEPTH));
      row[`${name}Text`] = qualityScores(textLists.map((l) => l.map((i) => docs[i].id)), set.accepted);
      const fused = set.queries.map((_, i) => reciprocalRankFusion(vectorLists[name][i], textLists[i], 0.5, K).map((h) => docs[h.label].id));
      row[name] = qualityScores(fused, set.accepted);
    }
    return row;
  });
}

/** The quality table as Markdown. */
export function qualityMarkdown(q) {
  const pct = (x) => x.toFixed(3);
  const lines = [
    `Search quality on the demo corpus (${q.corpus.toLocaleString('en-US')} Debian packages + ${q.notes} notes, wordnet-256, text index ${JSON.stringify(q.textIndex)}; ` +
      `${q.intents} everyday intents, ${q.exactQueries} exact-term queries; k = ${K}):`,
    '',
    '| mode | intents success@5 | intents MRR@10 | exact terms success@5 | exact terms MRR@10 | ms / query |',
    '|---|---:|---:|---:|---:|---:|',
    ...q.rows.map((r) => `| ${r.label} | ${pct(r.intents.success5)} | ${pct(r.intents.mrr10)} | ${pct(r.exact.success5)} | ${pct(r.exact.mrr10)} | ${r.msPerQuery.toFixed(2)} |`),
    '',
    'Text index variants (text alone, and fused with the vector list at w = 0.5; intents, then exact terms, success@5 / MRR@10):',
    '',
    '| text index | text: intents | text: exact | hybrid w = 0.5: intents | hybrid w = 0.5: exact |',
    '|---|---:|---:|---:|---:|',
    ...q.ablation.map((r) => `| ${r.label} | ${pct(r.intentsText.success5)} / ${pct(r.intentsText.mrr10)} | ${pct(r.exactText.success5)} / ${pct(r.exactText.mrr10)} | ${pct(r.intents.success5)} / ${pct(r.intents.mrr10)} | ${pct(r.exact.success5)} / ${pct(r.exact.mrr10)} |`),
    '',
    `Index built in ${q.buildSeconds.toFixed(1)} s; reopening its snapshot (vectors, graph, records, BM25 postings from the stored terms) took ${q.openSeconds.toFixed(2)} s.`,
  ];
  return lines.join('\n');
}
