// One bench configuration in its own process (onnxruntime fixes its thread
// count when it starts): a system, a model folder,
// a dtype, a thread count. Prints one JSON line with the rows.
//
// system: ours (onnxruntime-web wasm) | ours-native (onnxruntime-node) | transformers.js (onnxruntime-node)
//   node bench/embed/worker.mjs '{"system":"ours","dir":"…","model":"minilm-l6","dtype":"q8","threads":1,"pooling":"mean","minMs":1500}'
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './measure.mjs';
import { LENGTHS, makeTexts } from './texts.mjs';
import { tjsNodePipeline } from './tjs-setup.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cfg = JSON.parse(process.argv[2]);
const vocabSize = JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8')).vocab_size;

/** Loads the system: returns embed(texts) → Float32Array[] and tokenize(texts). */
async function load() {
  if (cfg.system === 'ours' || cfg.system === 'ours-native') {
    const { OnnxEmbedder } = await import(join(ROOT, 'dist', 'index.js'));
    const backend = cfg.system === 'ours' ? 'wasm' : 'native';
    const e = await OnnxEmbedder.create({ modelPath: cfg.dir, dtype: cfg.dtype, pooling: cfg.pooling, backend, wasm: { numThreads: cfg.threads }, cache: false });
    return { version: `minivectordb (${backend === 'wasm' ? 'onnxruntime-web wasm' : 'onnxruntime-node'})`, countTokens: (t) => e.tokenize(t).length, embed: (t) => e.embed(t, { batchSize: 32 }), tokenize: (t) => t.map((s) => e.tokenize(s)), dispose: () => e.dispose() };
  }
  // transformers.js in Node: its Node build runs onnxruntime-node (device 'cpu'); 4.x refuses device 'wasm' in Node
  let tjs;
  try {
    tjs = await import('@huggingface/transformers');
  } catch {
    return undefined;
  }
  const extractor = await tjsNodePipeline(tjs, dirname(cfg.dir), { ...cfg, folder: basename(cfg.dir) });
  return {
    version: `@huggingface/transformers ${tjs.env.version} (cpu)`,
    embed: async (t) => {
      const out = await extractor(t, { pooling: cfg.pooling, normalize: true });
      const [n, d] = out.dims;
      return Array.from({ length: n }, (_, i) => out.data.slice(i * d, (i + 1) * d));
    },
    tokenize: (t) => extractor.tokenizer(t, { padding: true, truncation: true }),
    dispose: () => extractor.dispose(),
  };
}

const sys = await load();
if (sys === undefined) {
  console.log(JSON.stringify({ ...cfg, skipped: 'not installed' }));
  process.exit(0);
}
const pools = Object.fromEntries(Object.entries(LENGTHS).map(([name, tokens]) => [name, { tokens, texts: makeTexts(vocabSize, tokens, 32 * 31, tokens) }]));
const { rows, vectors } = await measure(sys, pools, cfg.minMs);
await sys.dispose();
console.log(JSON.stringify({ ...cfg, env: 'node', version: sys.version, rows, vectors }));
