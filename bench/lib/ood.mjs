// "What is there is found" on real text (`npm run bench -- --ood-only`):
// the web demo's corpus (this machine's apt package summaries, embedded with
// the default model wordnet-256 as the demo embeds them) searched with
//  - in-distribution queries: ~1,000 held-out package texts (every 64th);
//  - out-of-distribution queries: 1,000 WordNet glosses (natural-language
//    definitions, another source than the documents);
// recall@10 against a brute-force reference and QPS, for us and for
// hnswlib-node / hnswlib-wasm on the same vectors, at M 16, efConstruction
// 200 and efSearch 64 (our defaults) and a few larger efSearch values; and
//  - fresh items: ≥ 500 trials of inserting one new record (another WordNet
//    gloss), querying it with 3 of its own words, and deleting it. A trial
//    counts when exact search ranks the new record first; a miss is a trial
//    where the search does not return it first. Ours at defaults (a single
//    insert: the fresh list of the core scans it exactly), ours with the
//    record inserted in a bulk call of 65 (the walk alone: what an older
//    record that aged out of the fresh list gets), and hnswlib-node.
// Vectors are cached in build/quality/ (shared with the quality bench).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadWordNet } from '../../scripts/model/lib/wordnet.mjs';
import { STOP_WORDS } from '../../scripts/model/lib/stopwords.mjs';
import { mulberry32 as prng } from '../../tests/shared/prng.mjs';
import { SYSTEMS } from '../systems/index.mjs';
import { repoRoot } from './data.mjs';
import { corpusVectors, demoCorpusModule } from './quality.mjs';

const K = 10;
const EFS = [64, 128, 256, 512];
const OOD_QUERIES = 1000;
const ID_STRIDE = 64;
const FRESH_TRIALS = 600;
const STOP = new Set(STOP_WORDS);
const BULK_FILLERS = 64; // the fresh list records Adds of at most 64 vectors: 65 is a bulk call

/** Glosses of at least 5 words, shuffled deterministically. */
function glosses() {
  const { synsets } = loadWordNet('/usr/share/wordnet');
  const all = synsets.map((s) => s.gloss).filter((g) => g.split(/\s+/).length >= 5);
  const rnd = prng(2026);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

function dot(a, ai, b, bi, dim) {
  let s = 0;
  for (let j = 0; j < dim; j++) s += a[ai + j] * b[bi + j];
  return s;
}

/** Exact top-k row numbers of `base` (n × dim, unit rows) by cosine to query row `qi` of `queries`. */
function exactTopK(base, n, queries, qi, dim, k) {
  const best = [];
  for (let i = 0; i < n; i++) {
    const s = dot(base, i * dim, queries, qi * dim, dim);
    if (best.length < k || s > best[best.length - 1][0]) {
      let p = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push(null);
      while (p > 0 && best[p - 1][0] < s) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = [s, i];
    }
  }
  return best.map((b) => b[1]);
}

function rowsOf(flat, n, dim) {
  return Array.from({ length: n }, (_, i) => flat.subarray(i * dim, (i + 1) * dim));
}

async function recallAndQps(system, queries, nq, dim, truth, ef) {
  system.setEf(ef);
  const rows = system.queryFormat === 'array' ? rowsOf(queries, nq, dim).map((r) => Array.from(r)) : rowsOf(queries, nq, dim);
  let hit = 0;
  const t = performance.now();
  for (let q = 0; q < nq; q++) {
    const ids = system.asyncSearch ? await system.search(rows[q], K) : system.search(rows[q], K);
    const want = new Set(truth[q]);
    for (const id of ids) if (want.has(Number(id))) hit++;
  }
  const seconds = (performance.now() - t) / 1000;
  return { ef, recall: hit / (nq * K), qps: nq / seconds };
}

/** Three distinct non-stop-words of `text` (lower case, ≥ 3 letters), or null. */
function threeWords(text, rnd) {
  const words = [...new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3 && !STOP.has(w)))];
  if (words.length < 3) return null;
  const pick = [];
  while (pick.length < 3) pick.push(words.splice(Math.floor(rnd() * words.length), 1)[0]);
  return pick.join(' ');
}

/**
 * Runs the whole section.
 * @returns `{ corpus, base, idQueries, oodQueries, sweeps: {system: {id: [...], ood: [...]}}, fresh: {...} }`.
 */
export async function benchOod({ log }) {
  const lib = await import(pathToFileURL(join(repoRoot, 'dist', 'index.js')).href);
  const corpusFile = join(repoRoot, 'build', 'demo', 'packages.json');
  const corpus = JSON.parse(readFileSync(corpusFile, 'utf8'));
  const demo = await demoCorpusModule();
  const texts = corpus.rows.map((r) => demo.packageItem(r).text);
  const dim = lib.DEFAULT_TEXT_MODEL_DIM;
  const all = await corpusVectors(lib, texts, log);

  // Base and in-distribution queries: every ID_STRIDE-th package is held out.
  const baseIdx = [];
  const idIdx = [];
  texts.forEach((_, i) => (i % ID_STRIDE === ID_STRIDE - 1 ? idIdx : baseIdx).push(i));
  const n = baseIdx.length;
  const base = new Float32Array(n * dim);
  baseIdx.forEach((src, i) => base.set(all.subarray(src * dim, (src + 1) * dim), i * dim));
  const idQ = new Float32Array(idIdx.length * dim);
  idIdx.forEach((src, i) => idQ.set(all.subarray(src * dim, (src + 1) * dim), i * dim));

  const gl = glosses();
  const embedder = await lib.createEmbedder({});
  const embedFlat = async (list) => {
    const flat = new Float32Array(list.length * dim);
    (await embedder.embed(list)).forEach((v, i) => flat.set(v, i * dim));
    return flat;
  };
  const oodQ = await embedFlat(gl.slice(0, OOD_QUERIES));
  log(`ood: ${n} documents, ${idIdx.length} in-distribution and ${OOD_QUERIES} out-of-distribution queries; brute-force reference…`);
  const truthOf = (queries, nq) => Array.from({ length: nq }, (_, q) => exactTopK(base, n, queries, q, dim, K));
  const idTruth = truthOf(idQ, idIdx.length);
  const oodTruth = truthOf(oodQ, OOD_QUERIES);

  const baseObj = { n, dim, data: base, rows: rowsOf(base, n, dim) };
  baseObj.arrays = baseObj.rows.map((r) => Array.from(r));
  const sweeps = {};
  const params = { M: 16, efConstruction: 200, seed: 100 };
  for (const name of ['minivectordb', 'hnswlib-node', 'hnswlib-wasm']) {
    try {
      const mod = await SYSTEMS[name]();
      // Ours as text databases are made: cosine (the peers' l2 ranks unit vectors the same way).
      const system = name === 'minivectordb' ? await mod.openVariant('minivectordb', { metric: 'cosine' }) : await mod.open({});
      const t = performance.now();
      await system.build(baseObj, params);
      const buildSeconds = (performance.now() - t) / 1000;
      const id = [];
      const ood = [];
      for (const ef of EFS) {
        id.push(await recallAndQps(system, idQ, idIdx.length, dim, idTruth, ef));
        ood.push(await recallAndQps(system, oodQ, OOD_QUERIES, dim, oodTruth, ef));
      }
      sweeps[name] = { version: system.version, buildSeconds, id, ood };
      log(`ood: ${name} efSearch 64: recall@10 in-distribution ${id[0].recall.toFixed(3)}, out-of-distribution ${ood[0].recall.toFixed(3)}`);
      await system.close();
    } catch (e) {
      sweeps[name] = { error: String(e.message ?? e) };
      log(`ood: ${name} skipped: ${e.message ?? e}`);
    }
  }

  const fresh = await freshTrials({ lib, base, n, dim, gl: gl.slice(OOD_QUERIES), embedFlat, log });
  await embedder.dispose();
  return { corpus: texts.length, base: n, idQueries: idIdx.length, oodQueries: OOD_QUERIES, params, efs: EFS, sweeps, fresh };
}

async function freshTrials({ lib, base, n, dim, gl, embedFlat, log }) {
  const rnd = prng(7);
  const trials = [];
  for (const text of gl) {
    if (trials.length === FRESH_TRIALS) break;
    const q = threeWords(text, rnd);
    if (q !== null) trials.push({ text, query: q });
  }
  const vecs = await embedFlat(trials.flatMap((t) => [t.text, t.query]));
  const fillers = await embedFlat(gl.slice(gl.length - BULK_FILLERS));
  const db = await lib.MiniVectorDB.create({ dim, metric: 'cosine' }); // library defaults otherwise
  const BATCH = 4096;
  for (let s = 0; s < n; s += BATCH) {
    await db.insertMany(Array.from({ length: Math.min(BATCH, n - s) }, (_, j) => ({ id: String(s + j), vector: base.subarray((s + j) * dim, (s + j + 1) * dim) })));
  }
  let hnsw;
  try {
    const { createRequire } = await import('node:module');
    const { HierarchicalNSW } = createRequire(import.meta.url)('hnswlib-node');
    hnsw = new HierarchicalNSW('cosine', dim);
    hnsw.initIndex({ maxElements: n + trials.length, m: 16, efConstruction: 200, randomSeed: 100 });
    for (let i = 0; i < n; i++) hnsw.addPoint(Array.from(base.subarray(i * dim, (i + 1) * dim)), i);
    hnsw.setEf(64);
  } catch (e) {
    log(`ood: hnswlib-node fresh trials skipped: ${e.message}`);
  }
  const out = { trials: trials.length, eligible: 0, misses: { single: 0, bulk: 0, hnswlibNode: hnsw ? 0 : null }, missedExamples: [] };
  for (let t = 0; t < trials.length; t++) {
    const v = vecs.subarray(2 * t * dim, (2 * t + 1) * dim);
    const q = vecs.subarray((2 * t + 1) * dim, (2 * t + 2) * dim);
    const own = dot(q, 0, v, 0, dim);
    let first = true;
    for (let i = 0; i < n && first; i++) if (dot(base, i * dim, q, 0, dim) >= own) first = false;
    if (!first) continue;
    out.eligible++;
    // Ours, one insert (the default path of a person adding a note).
    await db.insert({ id: 'fresh', vector: v });
    const single = await db.search(q, { k: K });
    if (single[0]?.id !== 'fresh') {
      out.misses.single++;
      out.missedExamples.push(trials[t]);
    }
    await db.delete('fresh');
    // Ours, inserted in a bulk call: the walk alone.
    const bulk = [{ id: 'fresh', vector: v }, ...Array.from({ length: BULK_FILLERS }, (_, j) => ({ id: `filler-${j}`, vector: fillers.subarray(j * dim, (j + 1) * dim) }))];
    await db.insertMany(bulk);
    const walk = await db.search(q, { k: K });
    if (walk[0]?.id !== 'fresh') out.misses.bulk++;
    await db.deleteMany(bulk.map((b) => b.id));
    if (hnsw) {
      hnsw.addPoint(Array.from(v), n + t);
      const res = hnsw.searchKnn(Array.from(q), K);
      if (res.neighbors[0] !== n + t) out.misses.hnswlibNode++;
      hnsw.markDelete(n + t);
    }
  }
  await db.close();
  log(`ood: fresh items: ${out.eligible} eligible trials; misses: ours ${out.misses.single}, ours bulk-inserted ${out.misses.bulk}, hnswlib-node ${out.misses.hnswlibNode}`);
  return out;
}

/** Markdown tables of a benchOod result. */
export function oodMarkdown(r) {
  const lines = [];
  lines.push(`Corpus: ${r.base.toLocaleString('en-US')} apt package texts (wordnet-256, cosine); ${r.idQueries} held-out package texts (in-distribution) and ${r.oodQueries} WordNet glosses (out-of-distribution) as queries; M ${r.params.M}, efConstruction ${r.params.efConstruction}, one thread; recall@10 against brute force.`, '');
  lines.push('| system | efSearch | recall@10 in-dist. | QPS in-dist. | recall@10 OOD | QPS OOD |', '|---|---|---|---|---|---|');
  for (const [name, s] of Object.entries(r.sweeps)) {
    if (s.error) {
      lines.push(`| ${name} | — | failed: ${s.error} | | | |`);
      continue;
    }
    s.id.forEach((row, i) => lines.push(`| ${name} ${s.version ?? ''} | ${row.ef} | ${row.recall.toFixed(3)} | ${Math.round(row.qps)} | ${s.ood[i].recall.toFixed(3)} | ${Math.round(s.ood[i].qps)} |`));
  }
  const f = r.fresh;
  lines.push('', `Fresh items: ${f.eligible} trials (of ${f.trials}) where exact search ranks the new record first for 3 of its own words. Missed (not the first hit at defaults): ours **${f.misses.single}** (single insert), ours ${f.misses.bulk} when it came in a bulk call of 65 (the graph walk alone), hnswlib-node ${f.misses.hnswlibNode ?? 'not run'} (efSearch 64).`);
  return lines.join('\n');
}
