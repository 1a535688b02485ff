// The import map of the Chromium benchmark pages (bench/browser/index.html,
// bench/embed/page.html), which load dist/ as plain ES modules with no
// bundler: every package dist/ imports, mapped to its file under
// node_modules (tests/js/bench-page.test.ts checks both). A classic script
// that runs before the pages' module scripts, so the map is in place first.
// The object between the markers is JSON.
const IMPORTS = /* importmap-begin */ {
  "minivectordb": "/dist/index.js",
  "@msgpack/msgpack": "/node_modules/@msgpack/msgpack/dist.esm/index.mjs",
  "comlink": "/node_modules/comlink/dist/esm/comlink.mjs",
  "comlink/dist/esm/node-adapter.mjs": "/node_modules/comlink/dist/esm/node-adapter.mjs",
  "idb": "/node_modules/idb/build/index.js",
  "klona/json": "/node_modules/klona/json/index.mjs",
  "stemmer": "/node_modules/stemmer/index.js",
  "onnxruntime-web/wasm": "/node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs",
  "onnxruntime-web/webgpu": "/node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs",
  "@huggingface/tokenizers": "/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs",
  "p-retry": "/node_modules/p-retry/index.js",
  "is-network-error": "/node_modules/is-network-error/index.js"
} /* importmap-end */;
const map = document.createElement('script');
map.type = 'importmap';
map.textContent = JSON.stringify({ imports: IMPORTS });
document.currentScript.after(map);
