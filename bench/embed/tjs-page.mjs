// The transformers.js side of bench:embed in Chromium: its self-contained web
// build (dist/transformers.js, onnxruntime-web bundled) from node_modules,
// with onnxruntime-web's WebAssembly files (the asyncify build it fetches from
// a CDN by default) served locally from its own onnxruntime-web copy, the
// model folders from /models/, no remote models, no browser cache. Same
// measurement (measure.mjs), inputs and pooling as ours.
import * as tjs from '/node_modules/@huggingface/transformers/dist/transformers.js';
import { measure } from './measure.mjs';
import { tjsWebPipeline } from './tjs-setup.mjs';

window.runEmbed = async (cfg) => {
  const extractor = await tjsWebPipeline(tjs, cfg);
  const wasm = tjs.env.backends.onnx.wasm;
  const sys = {
    embed: async (t) => {
      const out = await extractor(t, { pooling: cfg.pooling, normalize: true });
      const [n, d] = out.dims;
      return Array.from({ length: n }, (_, i) => out.data.slice(i * d, (i + 1) * d));
    },
    tokenize: (t) => extractor.tokenizer(t, { padding: true, truncation: true }),
  };
  const { rows, vectors } = await measure(sys, cfg.pools, cfg.minMs);
  await extractor.dispose();
  return { rows, vectors, version: `@huggingface/transformers ${tjs.env.version} (wasm, onnxruntime-web ${tjs.env.backends.onnx.versions?.web ?? '?'})`, threadsAsked: cfg.threads, threadsUsed: wasm.numThreads, crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent };
};
window.benchReady = true;
document.getElementById('status').textContent = 'ready';
