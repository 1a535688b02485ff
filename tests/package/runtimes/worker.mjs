// A Cloudflare Worker using the installed package, bundled by esbuild as
// wrangler does (tests/package/runtimes/bundle-worker.mjs) and run in workerd.
// The core arrives as a compiled WebAssembly.Module (Workers forbid compiling
// from bytes or URLs), imported from the package's `minivectordb/core.wasm`.
import { MiniVectorDB } from 'minivectordb';
import coreWasm from 'minivectordb/core.wasm';
import { smoke } from './smoke.mjs';

const wasm = { module: coreWasm };
let db;

async function database() {
  db ??= await MiniVectorDB.create({ dim: 4, metric: 'cosine', wasm });
  return db;
}

function json(value, status = 200) {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === '/smoke') {
        const out = await smoke(MiniVectorDB, { storage: 'memory://smoke', wasm, text: false });
        // The default text model runs on onnxruntime-web, which compiles its own .wasm from bytes: say what happens.
        try {
          await MiniVectorDB.create({ wasm });
          out.textError = null;
        } catch (e) {
          out.textError = `${e.name}: ${e.message}`;
        }
        return json(out);
      }
      if (pathname === '/insert' && request.method === 'POST') {
        const records = await request.json();
        await (await database()).insertMany(records);
        return json({ size: db.size });
      }
      if (pathname === '/search' && request.method === 'POST') {
        const { vector, k, filter } = await request.json();
        return json(await (await database()).search(vector, { k, filter }));
      }
      return json({ error: 'not found' }, 404);
    } catch (e) {
      return json({ error: `${e.name}: ${e.message}`, code: e.code ?? null }, 500);
    }
  },
};
