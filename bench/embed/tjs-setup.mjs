// How the embedding benches set up transformers.js (no Node imports: the
// Chromium pages load this too): local model folders only, no caches, the
// thread count of the configuration, a feature-extraction pipeline.

/**
 * Node: its Node build runs onnxruntime-node (device 'cpu'; transformers.js
 * 4.x refuses device 'wasm' in Node) with `threads` intra-op threads.
 * @param {any} tjs - the `@huggingface/transformers` module
 * @param {string} modelsDir - the folder holding the model folders
 * @param {{ folder: string, dtype: string, threads: number }} cfg
 */
export function tjsNodePipeline(tjs, modelsDir, cfg) {
  tjs.env.allowRemoteModels = false;
  tjs.env.localModelPath = modelsDir;
  tjs.env.useBrowserCache = false;
  tjs.env.useFSCache = false;
  return tjs.pipeline('feature-extraction', cfg.folder, { dtype: cfg.dtype, device: 'cpu', session_options: { intraOpNumThreads: cfg.threads, interOpNumThreads: 1 } });
}

/** Where the web build's own onnxruntime-web files are served from (the bench server maps /node_modules/). */
const ORT_DIST = '/node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/';

/**
 * Chromium: its self-contained web build on its own onnxruntime-web, whose
 * WebAssembly files (the asyncify build it would fetch from a CDN) are served
 * locally; model folders from /models/.
 * @param {any} tjs - the module of `@huggingface/transformers/dist/transformers.js`
 * @param {{ folder: string, dtype: string, threads: number }} cfg
 */
export function tjsWebPipeline(tjs, cfg) {
  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
  tjs.env.localModelPath = '/models/';
  tjs.env.useBrowserCache = false;
  const wasm = tjs.env.backends.onnx.wasm;
  wasm.numThreads = cfg.threads;
  wasm.wasmPaths = { mjs: `${ORT_DIST}ort-wasm-simd-threaded.asyncify.mjs`, wasm: `${ORT_DIST}ort-wasm-simd-threaded.asyncify.wasm` };
  return tjs.pipeline('feature-extraction', cfg.folder, { dtype: cfg.dtype, device: 'wasm' });
}
