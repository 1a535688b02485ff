// Bundles worker.mjs as wrangler does for a Worker with nodejs_compat:
// ESM, the 'workerd' / 'worker' / 'browser' export conditions, node:*
// builtins left to the runtime, and `.wasm` imports kept as modules of their
// own (wrangler's CompiledWasm rule), here copied beside the bundle from the
// installed package. Prints the wasm module names for the workerd config.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

mkdirSync('worker-dist', { recursive: true });
const wasmModules = [];
await esbuild.build({
  entryPoints: ['worker.mjs'],
  outfile: 'worker-dist/worker.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  external: ['node:*'],
  logLevel: 'error',
  plugins: [
    {
      name: 'compiled-wasm',
      setup(build) {
        build.onResolve({ filter: /\.wasm$/ }, (args) => {
          const file = fileURLToPath(import.meta.resolve(args.path));
          const name = `${wasmModules.length}.wasm`;
          copyFileSync(file, `worker-dist/${name}`);
          wasmModules.push(name);
          return { path: `./${name}`, external: true };
        });
      },
    },
  ],
});
console.log(JSON.stringify(wasmModules));
