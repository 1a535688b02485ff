#!/usr/bin/env node
// Quality report of a text model on tests/fixtures/embed/quality.json (the
// same checks as tests/js/embed/quality.test.ts, printed in full).
// Usage: node scripts/model/eval-quality.mjs [--model DIR]   (default: build/models/wordnet-256)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEmbedModule } from './lib/embed-module.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const modelPath = args[0] === '--model' ? args[1] : join(root, 'build', 'models', 'wordnet-256');
const Q = JSON.parse(readFileSync(join(root, 'tests/fixtures/embed/quality.json'), 'utf8'));

const { createEmbedder } = await loadEmbedModule();
const embedder = await createEmbedder({ modelPath });
const cos = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const one = async (t) => (await embedder.embed([t]))[0];

const docs = await embedder.embed(Q.documents);
let top1 = 0;
let top3 = 0;
let mrr = 0;
for (const { query, expected } of Q.queries) {
  const q = await one(query);
  const ranked = docs.map((d, i) => [i, cos(q, d)]).sort((a, b) => b[1] - a[1]);
  const rank = ranked.findIndex(([i]) => i === expected) + 1;
  if (rank === 1) top1++;
  if (rank <= 3) top3++;
  mrr += 1 / rank;
  const mark = rank === 1 ? 'ok ' : `#${rank} `;
  const best = rank === 1 ? '' : `   (first: "${Q.documents[ranked[0][0]]}" ${ranked[0][1].toFixed(2)})`;
  console.log(`${mark.padEnd(4)} ${query.padEnd(48)} → "${Q.documents[expected]}" ${ranked[rank - 1][1].toFixed(3)}${best}`);
}
const n = Q.queries.length;
console.log(`\nqueries: top-1 ${top1}/${n} (${((100 * top1) / n).toFixed(0)}%), top-3 ${top3}/${n}, MRR ${(mrr / n).toFixed(3)}\n`);
for (const { a, b, min } of Q.similar) console.log(`similar    ${a} ~ ${b}: ${cos(await one(a), await one(b)).toFixed(3)} (min ${min})`);
for (const { a, b, max } of Q.dissimilar) console.log(`dissimilar ${a} ~ ${b}: ${cos(await one(a), await one(b)).toFixed(3)} (max ${max})`);
let closer = 0;
for (const { a, b, c } of Q.closer) {
  const [va, vb, vc] = await embedder.embed([a, b, c]);
  const ok = cos(va, vb) > cos(va, vc);
  if (ok) closer++;
  console.log(`closer     ${ok ? 'ok ' : 'NO '} ${a}: ${b} ${cos(va, vb).toFixed(3)} > ${c} ${cos(va, vc).toFixed(3)}`);
}
console.log(`closer: ${closer}/${Q.closer.length}`);
await embedder.dispose();
