// The Chromium side of bench/embed/ab.mjs: our embedder (dist/, onnxruntime-web
// wasm) and transformers.js's web build (its own onnxruntime-web, asyncify
// .wasm served locally, as tjs-page.mjs does) in ONE page, timed in pairs
// (ab-measure.mjs).
import { OnnxEmbedder } from 'minivectordb';
import * as ort from 'onnxruntime-web/wasm';
import { normalizeL2, poolTokens } from '/dist/embed/pooling.js';
import * as tjs from '/node_modules/@huggingface/transformers/dist/transformers.js';
import { compare, oursSystem, tjsSystem } from './ab-measure.mjs';
import { tjsWebPipeline } from './tjs-setup.mjs';

window.runAB = async ({ cfg, pools }) => {
  const warnings = [];
  const logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const A = await oursSystem(
    { OnnxEmbedder, normalizeL2, poolTokens },
    { modelUrl: new URL(`/models/${cfg.folder}/`, location.href).href, dtype: cfg.dtype, pooling: cfg.pooling, wasm: { numThreads: cfg.threads }, cache: false, logger },
    `ours (dist/, onnxruntime-web ${ort.env.versions.web} wasm)`,
  );
  const x = await tjsWebPipeline(tjs, cfg);
  const B = tjsSystem(tjs, x, cfg.pooling, `transformers.js ${tjs.env.version} (onnxruntime-web ${tjs.env.backends.onnx.versions?.web ?? '?'} wasm)`);
  const result = await compare(A, B, pools, cfg);
  await A.dispose();
  await B.dispose();
  return { result, labels: [A.label, B.label], warnings, crossOriginIsolated: self.crossOriginIsolated };
};
window.benchReady = true;
document.getElementById('status').textContent = 'ready';
