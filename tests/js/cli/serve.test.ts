/**
 * `minivectordb serve` as a child process, with real HTTP requests: every
 * route, answers equal to the library's on the saved snapshot, 400 for
 * bodies the schema rejects (unknown keys, wrong types — never stripped or
 * coerced) and for the library's typed errors, 404/409 where due, 413 over
 * the body limit, bound to 127.0.0.1, and a save on SIGTERM.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { randomVectors, tempDir } from '../helpers.js';
import { startServer } from './run-cli.js';

const DIM = 8;
const vectors = randomVectors(300, DIM, 61);
const items = vectors.map((v, i) => ({ id: `p${i}`, vector: Array.from(v), metadata: { i, odd: i % 2 === 1 } }));

describe('serve', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let server: Awaited<ReturnType<typeof startServer>>;
  let path: string;
  const call = async (method: string, route: string, body?: unknown, raw?: string) => {
    const res = await fetch(server.url + route, {
      method,
      ...(body === undefined && raw === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    tmp = await tempDir();
    path = join(tmp.dir, 'served.mvdb');
    server = await startServer([path, '--dim', String(DIM), '--metric', 'l2', '--port', '0', '--body-limit', '65536', '--max-items', '500', '--autosave-ms', '0']);
  });
  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await tmp.cleanup();
  });

  test('listens on 127.0.0.1 by default', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  test('insert, conflict, upsert, get, stats', async () => {
    expect(await call('POST', '/records', { items: items.slice(0, 200) })).toEqual({ status: 201, body: { inserted: 200 } });
    const conflict = await call('POST', '/records', { items: items.slice(199, 201) });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe('CONFLICT');
    expect((await call('GET', '/stats')).body.count).toBe(200); // nothing of the conflicting request went in
    expect(await call('PUT', '/records', { items: items.slice(150) })).toEqual({ status: 200, body: { inserted: 100, updated: 50 } });
    const got = await call('GET', '/records/p7');
    expect(got).toEqual({ status: 200, body: { id: 'p7', vector: items[7]!.vector, metadata: items[7]!.metadata } });
    expect((await call('GET', '/records/nope')).status).toBe(404);
    expect((await call('GET', '/stats')).body).toMatchObject({ count: 300, dim: DIM, metric: 'l2' });
  });

  test('search answers as the library does on the saved snapshot', async () => {
    expect(await call('POST', '/save')).toEqual({ status: 200, body: { saved: true } });
    const lib = await MiniVectorDB.open(pathToFileURL(path).href, { lock: 'readonly' }); // the server holds the write lock
    try {
      for (const q of randomVectors(4, DIM, 62)) {
        const query = Array.from(q);
        const approx = await call('POST', '/search', { query, k: 5 });
        expect(approx.body.hits).toEqual(JSON.parse(JSON.stringify(await lib.search(q, { k: 5 }))));
        const filtered = await call('POST', '/search', { query, k: 4, exact: true, filter: { odd: true } });
        expect(filtered.body.hits).toEqual(JSON.parse(JSON.stringify(await lib.search(q, { k: 4, exact: true, filter: { odd: true } }))));
      }
    } finally {
      await lib.close();
    }
  });

  test('the schema rejects malformed bodies with 400 (nothing stripped or coerced)', async () => {
    for (const [route, body] of [
      ['/records', { items: [{ id: 'x', vector: [1, 2, 3, 4, 5, 6, 7, 8], extra: 1 }] }],
      ['/records', { items: [{ id: 'x', vector: ['1', 2, 3, 4, 5, 6, 7, 8] }] }],
      ['/records', { items: [{ id: 'x' }] }],
      ['/records', { items: [{ id: '', vector: [1, 2, 3, 4, 5, 6, 7, 8] }] }],
      ['/records', { items: [] }],
      ['/search', { query: [1, 2, 3, 4, 5, 6, 7, 8], k: '5' }],
      ['/search', { query: [1, 2, 3, 4, 5, 6, 7, 8], limit: 5 }],
      ['/records/delete', { ids: 'p1' }],
    ] as const) {
      const r = await call('POST', route, body);
      expect([route, r.status, r.body.error]).toEqual([route, 400, 'BAD_REQUEST']);
    }
    expect((await call('POST', '/search', undefined, '{"query": [1,')).status).toBe(400);
    const many = { items: Array.from({ length: 501 }, (_, i) => ({ id: `m${i}`, vector: [1, 0, 0, 0, 0, 0, 0, 0] })) };
    expect(JSON.stringify(many).length).toBeLessThan(65536);
    const tooMany = await call('PUT', '/records', many);
    expect([tooMany.status, tooMany.body.error]).toEqual([400, 'BAD_REQUEST']); // --max-items 500
    expect(tooMany.body.message).toMatch(/500/);
    expect((await call('GET', '/stats')).body.count).toBe(300);
  });

  test("the library's typed errors become 4xx with their code", async () => {
    const dim = await call('POST', '/search', { query: [1, 2, 3] });
    expect([dim.status, dim.body.error]).toEqual([400, 'DIMENSION_MISMATCH']);
    const nan = await call('PUT', '/records', { items: [{ id: 'big', vector: [1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30] }] });
    expect([nan.status, nan.body.error]).toEqual([400, 'INVALID_ARGUMENT']);
    const filter = await call('POST', '/search', { query: Array(DIM).fill(0.1), filter: { i: { $between: [1, 2] } } });
    expect([filter.status, filter.body.error]).toEqual([400, 'INVALID_ARGUMENT']);
    const text = await call('POST', '/search', { query: 'no embedder here' });
    expect([text.status, text.body.error]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });

  test('a body over --body-limit gets 413 and changes nothing', async () => {
    const big = { items: Array.from({ length: 400 }, (_, i) => ({ id: `big-${i}`, vector: Array(DIM).fill(0.123456789), metadata: { pad: 'x'.repeat(100) } })) };
    expect(JSON.stringify(big).length).toBeGreaterThan(65536);
    const r = await call('PUT', '/records', big);
    expect([r.status, r.body.error]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await call('GET', '/stats')).body.count).toBe(300);
  });

  test('deletes, then SIGTERM saves and exits 0', async () => {
    expect(await call('DELETE', '/records/p0')).toEqual({ status: 200, body: { deleted: true } });
    expect((await call('DELETE', '/records/p0')).status).toBe(404);
    expect(await call('POST', '/records/delete', { ids: ['p1', 'p2', 'unknown'] })).toEqual({ status: 200, body: { deleted: 2 } });
    const byFilter = await call('POST', '/records/delete-by-filter', { filter: { i: { $gte: 290 } } });
    expect(byFilter).toEqual({ status: 200, body: { deleted: 10 } });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const lib = await MiniVectorDB.open(pathToFileURL(path).href);
    expect(lib.size).toBe(300 - 13);
    expect(await lib.get('p0')).toBeUndefined();
    expect(await lib.get('p3')).toBeDefined();
    await lib.close();
  });
});
