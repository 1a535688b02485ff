#!/usr/bin/env node
// Serves the built demo (build/demo-site/, or --dir DIR) on 127.0.0.1 and
// prints its URL. --port N (default 8080, or $PORT; 0 = any free port; when
// the port is taken, a free one is used instead). Ctrl-C stops it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveStatic } from '../lib/static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(root, 'build', 'demo-site') },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
  },
});
if (!existsSync(join(values.dir, 'index.html'))) {
  console.error(`serve: ${values.dir} has no index.html: build the demo first (npm start does)`);
  process.exit(1);
}
const port = Number(values.port);
let server;
try {
  server = await serveStatic(values.dir, { port });
} catch (e) {
  if (e.code !== 'EADDRINUSE') throw e;
  console.warn(`serve: port ${port} is in use; picking a free one`);
  server = await serveStatic(values.dir, { port: 0 });
}
console.log(`\n  MiniVectorDB demo: ${server.origin}/\n\n  (serving ${values.dir}; Ctrl-C to stop)\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
