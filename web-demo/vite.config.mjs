// Vite config of the demo: the library comes from the repo's build (dist/),
// the corpus (packages.json, made by scripts/demo/extract-packages.mjs) is
// copied from build/demo/ as a static file, and the library's database worker
// (createInWorker of minivectordb/worker: new Worker(new URL(…, import.meta.url), { type: 'module' }))
// is bundled as an ES module worker with its .wasm files and the default
// model. Used by scripts/demo/build-site.mjs.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: join(repo, 'build', 'demo'),
  cacheDir: join(repo, 'build', 'demo-vite-cache'),
  // Exact match only: the library's own worker is found relative to dist/index.js.
  resolve: {
    alias: [
      { find: /^minivectordb$/, replacement: join(repo, 'dist', 'index.js') },
      { find: /^minivectordb\/worker$/, replacement: join(repo, 'dist', 'worker', 'index.js') },
    ],
  },
  worker: { format: 'es' },
  logLevel: 'error',
  build: {
    outDir: join(repo, 'build', 'demo-site'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // two pages: package search, and photo search with a CLIP model (images.html)
    rollupOptions: { input: { main: fileURLToPath(new URL('./index.html', import.meta.url)), images: fileURLToPath(new URL('./images.html', import.meta.url)) } },
  },
});
