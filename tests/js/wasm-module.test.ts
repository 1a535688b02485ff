/**
 * `wasm: { module }`: the core from a compiled WebAssembly.Module (how
 * Cloudflare Workers deliver `.wasm` imports; they forbid compiling at run
 * time), on the page and sent to a worker, checked against brute force; the
 * glue has no `new Function` left (Workers forbid that too); bad modules get
 * typed errors instead of a hang.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, MiniVectorDBError } from 'minivectordb';
import { bruteForceKnn, caught, randomVectors } from './helpers.js';

const wasmFile = new URL('../../dist/wasm/minivectordb_core.wasm', import.meta.url);
const compiled = async (): Promise<WebAssembly.Module> => WebAssembly.compile(await readFile(wasmFile));

describe('wasm: { module }', () => {
  const data = randomVectors(200, 12, 3);
  const queries = randomVectors(5, 12, 4);
  const truth = queries.map((q) => bruteForceKnn(data, q, 5, 'l2').map((h) => `v${h.index}`));

  test('create, insert, exact search = brute force; save and open with the same module', async () => {
    const module = await compiled();
    const db = await MiniVectorDB.create({ dim: 12, metric: 'l2', wasm: { module }, storage: 'memory://wasm-module' });
    await db.insertMany(data.map((vector, i) => ({ id: `v${i}`, vector })));
    for (const [i, q] of queries.entries()) expect((await db.search(q, { k: 5, exact: true })).map((h) => h.id)).toEqual(truth[i]);
    await db.save();
    await db.close();
    const again = await MiniVectorDB.open('memory://wasm-module', { wasm: { module } });
    expect(again.size).toBe(200);
    for (const [i, q] of queries.entries()) expect((await again.search(q, { k: 5, exact: true })).map((h) => h.id)).toEqual(truth[i]);
    await again.close();
  });

  test('sent to a worker (createInWorker): the module is cloned, the answers are the same', async () => {
    const db = await MiniVectorDB.createInWorker({ dim: 12, metric: 'l2', wasm: { module: await compiled() } });
    try {
      await db.insertMany(data.map((vector, i) => ({ id: `v${i}`, vector })));
      for (const [i, q] of queries.entries()) expect((await db.search(q, { k: 5, exact: true })).map((h) => h.id)).toEqual(truth[i]);
    } finally {
      await db.close();
    }
  });

  test('the glue never generates code from strings (Workers and a CSP without unsafe-eval forbid it)', async () => {
    const glue = await readFile(new URL('../../dist/wasm/minivectordb_core.mjs', import.meta.url), 'utf8');
    expect(glue).not.toMatch(/new Function|\beval\(/);
  });

  test('not a module, or together with url / binary → InvalidArgumentError', async () => {
    const bytes = await readFile(wasmFile);
    const module = await compiled();
    expect((await caught(() => MiniVectorDB.create({ dim: 2, wasm: { module: bytes as never } }), InvalidArgumentError)).message).toContain('WebAssembly.Module');
    expect((await caught(() => MiniVectorDB.create({ dim: 2, wasm: { module, binary: bytes } }), InvalidArgumentError)).message).toContain('one of url, binary or module');
    await caught(() => MiniVectorDB.open('memory://none', { wasm: { module: {} as never } }), InvalidArgumentError);
  });

  test('a module that is not the core (an empty one, one with other imports) → MiniVectorDBError, no hang', async () => {
    const empty = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    const e1 = await caught(() => MiniVectorDB.create({ dim: 2, wasm: { module: empty } }), MiniVectorDBError);
    expect(e1.code).toBe('INTERNAL');
    expect(e1.message).toContain('wasm.module');
    // (module (import "x" "y" (func))): a LinkError at instantiation.
    const otherImports = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 7, 1, 1, 120, 1, 121, 0, 0]));
    expect((await caught(() => MiniVectorDB.create({ dim: 2, wasm: { module: otherImports } }), MiniVectorDBError)).code).toBe('INTERNAL');
  });
});
