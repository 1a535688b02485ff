#!/usr/bin/env node
// Builds what is missing or stale, in order:
//   1. the WebAssembly core (emcmake + cmake; incremental) → build/wasm/
//   2. the default text model wordnet-256 from Debian's WordNet and word list
//      (skipped when up to date) → build/models/wordnet-256/ → dist/models/
//   3. the TypeScript layer (tsc) → dist/ (ESM + .d.ts), plus the core's
//      .mjs/.wasm copied beside it
//   4. a CommonJS bundle for require() → dist/index.cjs (esbuild) with its
//      source map, one per framework adapter → dist/integrations/*/index.cjs,
//      and .d.cts twins of the declarations
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmBuild = join(root, 'build', 'wasm');
const dist = join(root, 'dist');

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error?.code === 'ENOENT') {
    console.error(`build: '${cmd}' not found. Install the toolchain first: bash scripts/setup.sh`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Emscripten 3.1.6 from Debian needs its bundled acorn on NODE_PATH.
const emEnv = { NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') };
if (!existsSync(join(wasmBuild, 'CMakeCache.txt'))) {
  run('emcmake', ['cmake', '-S', '.', '-B', wasmBuild, '-DCMAKE_BUILD_TYPE=Release'], emEnv);
}
run('cmake', ['--build', wasmBuild, '-j2'], emEnv);

mkdirSync(join(dist, 'wasm'), { recursive: true });
for (const f of ['minivectordb_core.mjs', 'minivectordb_core.wasm']) {
  copyFileSync(join(wasmBuild, f), join(dist, 'wasm', f));
}
copyFileSync(join(root, 'js/src/wasm/minivectordb_core.d.mts'), join(dist, 'wasm', 'minivectordb_core.d.mts'));
// The threaded core (the `threads` option; CMakeLists.txt): one .wasm, an ES
// module glue + pthread worker for browsers, and a CommonJS glue + worker for
// Node, renamed .cjs since the package is "type": "module".
for (const [from, to] of [
  ['minivectordb_core_threads.wasm', 'minivectordb_core_threads.wasm'],
  ['minivectordb_core_threads.mjs', 'minivectordb_core_threads.mjs'],
  ['minivectordb_core_threads.worker.js', 'minivectordb_core_threads.worker.js'],
  ['minivectordb_core_threads_node.js', 'minivectordb_core_threads_node.cjs'],
  ['minivectordb_core_threads_node.worker.js', 'minivectordb_core_threads_node.worker.cjs'],
]) {
  copyFileSync(join(wasmBuild, from), join(dist, 'wasm', to));
}

const { buildDefaultModel } = await import('./model/build-default-model.mjs');
const model = await buildDefaultModel({ log: (m) => console.log(m) });
const modelDist = join(dist, 'models', 'wordnet-256');
const stamp = (dir) => (existsSync(join(dir, 'build-info.json')) ? readFileSync(join(dir, 'build-info.json'), 'utf8') : '');
if (stamp(modelDist) !== stamp(model.outDir)) {
  rmSync(modelDist, { recursive: true, force: true });
  cpSync(model.outDir, modelDist, { recursive: true });
}

run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
chmodSync(join(dist, 'cli', 'main.js'), 0o755); // the `minivectordb` bin (tsc keeps its #! line)

// CommonJS entry: one bundle of the ESM output (the core's glue inlined).
// import.meta.url only serves to locate the .wasm, which dist/wasm/load.js
// does relative to itself, so the bundle reports that file's URL.
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(dist, 'index.js')],
  outfile: join(dist, 'index.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  // Dependencies stay require()d from node_modules (onnxruntime-web and the
  // tokenizers ship their own CommonJS/ESM entries and wasm files).
  external: ['@msgpack/msgpack', 'idb', 'onnxruntime-web', 'onnxruntime-web/*', 'onnxruntime-node', '@huggingface/tokenizers'],
  define: { 'import.meta.url': '__mvdb_import_meta_url' },
  banner: {
    js: "const __mvdb_import_meta_url = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'wasm', 'load.js')).href;",
  },
  logLevel: 'warning',
  // Maps back to js/src through the ESM output's own maps (inlineSources).
  sourcemap: true,
});
// CommonJS entries of the framework adapters (issue #19): each adapter's code
// bundled, but the database class and the error classes taken from
// dist/index.cjs, so require() users get one MiniVectorDB and one
// InvalidArgumentError; the frameworks (optional peers) stay require()d.
const INTEGRATIONS = ['langchain', 'llamaindex', 'ai-sdk', 'transformers'];
const shared = new Set(['minivectordb.js', 'errors.js'].map((f) => join(dist, f)));
await esbuild.build({
  entryPoints: INTEGRATIONS.map((name) => ({ in: join(dist, 'integrations', name, 'index.js'), out: join('integrations', name, 'index') })),
  outdir: dist,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: true,
  external: ['@langchain/*', '@llamaindex/*', 'ai', '@ai-sdk/*', '@msgpack/msgpack', 'idb', 'onnxruntime-web', 'onnxruntime-web/*', 'onnxruntime-node', '@huggingface/tokenizers'],
  plugins: [
    {
      name: 'share-the-main-bundle',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => (shared.has(join(args.resolveDir, args.path)) ? { path: '../../index.cjs', external: true } : undefined));
      },
    },
  ],
  logLevel: 'warning',
});
const { writeCjsDeclarations } = await import('./lib/cjs-types.mjs');
writeCjsDeclarations(dist);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
console.log(`build: ${pkg.name}@${pkg.version} ready in dist/ (core ${statSync(join(dist, 'wasm/minivectordb_core.wasm')).size} bytes)`);
