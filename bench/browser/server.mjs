// A tiny static server on 127.0.0.1 for the Chromium benchmark: the page
// (bench/browser/), the job code (bench/lib, bench/systems), the built
// package (dist/), the packages it imports (node_modules/), and the
// dataset vectors as raw little-endian float32 (/data/<id>/base.f32,
// /data/<id>/query.f32) from memory. Nothing else is served.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};
const ALLOWED = ['bench/', 'dist/', 'node_modules/'];

/** Starts the server; returns { url, addData(id, {base, query}), close() }. */
export async function startServer(root) {
  const data = new Map();
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const m = /^\/data\/([\w-]+)\/(base|query)\.f32$/.exec(path);
      if (m && data.has(m[1])) {
        const v = data.get(m[1])[m[2]].data;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': v.byteLength });
        res.end(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
        return;
      }
      const rel = path === '/' ? 'bench/browser/index.html' : normalize(path.slice(1));
      if (rel.includes('..') || !ALLOWED.some((p) => rel.split(sep).join('/').startsWith(p))) {
        res.writeHead(404).end();
        return;
      }
      const body = await readFile(join(root, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    addData(id, sets) {
      data.set(id, sets);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
