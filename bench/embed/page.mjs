// The Chromium side of bench:embed: the same measurement as worker.mjs, with
// our embedder loading the model folder over HTTP (served with COOP/COEP, so
// threads are available when the page is cross-origin isolated).
import { OnnxEmbedder } from 'minivectordb';
import { measure } from './measure.mjs';

window.runEmbed = async (cfg) => {
  const warnings = [];
  const logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const e = await OnnxEmbedder.create({
    modelUrl: new URL(`/models/${cfg.folder}/`, location.href).href,
    dtype: cfg.dtype,
    pooling: cfg.pooling,
    device: cfg.device,
    wasm: { numThreads: cfg.threads },
    cache: false,
    logger,
  });
  const sys = { countTokens: (t) => e.tokenize(t).length, embed: (t) => e.embed(t, { batchSize: 32 }), tokenize: (t) => t.map((s) => e.tokenize(s)) };
  const { rows, vectors } = await measure(sys, cfg.pools, cfg.minMs);
  const device = e.device;
  await e.dispose();
  return { rows, vectors, device, crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent, warnings };
};
// One embed call on any device, for the WebGPU test: which device ran, the
// vectors, the warnings, and whether the browser offered a GPU adapter at all.
window.embedOnce = async (cfg) => {
  const warnings = [];
  const logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter().catch(() => null) : null;
  const e = await OnnxEmbedder.create({
    modelUrl: new URL(`/models/${cfg.folder}/`, location.href).href,
    device: cfg.device,
    ...(cfg.threads !== undefined ? { wasm: { numThreads: cfg.threads } } : {}),
    cache: false,
    logger,
  });
  const vectors = (await e.embed(cfg.texts)).map((v) => Array.from(v));
  const device = e.device;
  await e.dispose();
  return { device, vectors, warnings, hasAdapter: adapter !== null, crossOriginIsolated: self.crossOriginIsolated };
};
window.benchReady = true;
document.getElementById('status').textContent = 'ready';
