// A plain webpack 5 config: no plugin, no loader, no copy step. The package's
// new URL(…, import.meta.url) assets and its module Worker are found by
// webpack itself. main.js is the Vite app's (tests/package/vite-app/main.js).
import { fileURLToPath } from 'node:url';

export default {
  // development: the same resolution and assets, without minifying onnxruntime-web (~60 s on a 2-core CI machine).
  mode: 'development',
  devtool: false,
  entry: './main.js',
  output: { path: fileURLToPath(new URL('./dist', import.meta.url)), filename: 'main.js', clean: true },
  performance: { hints: false },
};
