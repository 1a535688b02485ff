#!/usr/bin/env node
// Throughput of a text embedding model in Node: short sentences per second,
// embedded one at a time (batch 1) and 32 at a time, plus tokenisation alone.
// A benchmark, not a test: it prints numbers and checks nothing.
//
// Usage: node scripts/model/bench-embed.mjs [--model DIR] [--sentences N] [--seconds S] [--threads T]
//   --model      a model folder in the Hugging Face layout (default: build/models/wordnet-256)
//   --sentences  distinct sentences to embed (default 4000)
//   --seconds    minimum time per measurement (default 3)
//   --threads    onnxruntime-web threads (default 1)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEmbedModule } from './lib/embed-module.mjs';
import { rng32 } from './lib/random.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const opts = { model: join(root, 'build', 'models', 'wordnet-256'), sentences: 4000, seconds: 3, threads: 1 };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const key = args[i].replace(/^--/, '');
  if (key === 'help' || key === 'h') {
    console.log('usage: node scripts/model/bench-embed.mjs [--model DIR] [--sentences N] [--seconds S] [--threads T]');
    process.exit(0);
  }
  if (!(key in opts) || args[i + 1] === undefined) {
    console.error(`bench-embed: unknown or incomplete option ${args[i]}`);
    process.exit(2);
  }
  opts[key] = key === 'model' ? args[++i] : Number(args[++i]);
}
if (!existsSync(join(opts.model, 'tokenizer.json'))) {
  console.error(`bench-embed: no model in ${opts.model}; build the default one with: node scripts/model/build-default-model.mjs`);
  process.exit(1);
}

// Short sentences (6–12 words) drawn deterministically from a word list.
const words = existsSync('/usr/share/dict/american-english')
  ? readFileSync('/usr/share/dict/american-english', 'utf8')
      .split('\n')
      .filter((w) => /^[a-z]{3,9}$/.test(w))
  : 'the a quick brown fox jumps over lazy dog car bike repair house garden river city music doctor weather'.split(' ');
const next = rng32(42);
const sentences = Array.from({ length: opts.sentences }, () => {
  const n = 6 + (next() % 7);
  return Array.from({ length: n }, () => words[next() % words.length]).join(' ');
});

const { OnnxEmbedder } = await loadEmbedModule();
const embedder = await OnnxEmbedder.create({ modelPath: opts.model, wasm: { numThreads: opts.threads } });
console.log(`model ${opts.model}: ${embedder.dim} dimensions, ${embedder.info.pooling}; ${sentences.length} sentences of 6–12 words; Node ${process.version}`);

/**
 * Runs `fn` over the sentences for a second of warm-up (V8 compiles the ORT
 * WebAssembly with its optimising tier only after many calls), then
 * repeatedly for at least `seconds`; returns sentences per second.
 */
async function measure(label, fn) {
  const warm = performance.now();
  while (performance.now() - warm < 1000) await fn(sentences.slice(0, 500));
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < opts.seconds * 1000) {
    await fn(sentences);
    done += sentences.length;
  }
  const rate = done / ((performance.now() - t0) / 1000);
  console.log(`${label.padEnd(24)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} sentences/s`);
  return rate;
}

await measure('tokenise only', async (s) => {
  for (const t of s) embedder.tokenize(t);
});
await measure('embed, batch 1', async (s) => {
  for (const t of s) await embedder.embed([t]);
});
await measure('embed, batch 32', async (s) => {
  await embedder.embed(s, { batchSize: 32 });
});
await embedder.dispose();
