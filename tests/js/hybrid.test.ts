/**
 * Hybrid text search: the BM25 text index against an independent brute-force
 * BM25 written here (Robertson & Zaragoza 2009, eq. 3.15 with Lucene's
 * non-negative idf; field weights as BM25F), kept up to date by inserts,
 * updates, deletes and compaction; modes, filters, k, exact, count(),
 * searchBatch, the worker, snapshots (round trip and a snapshot written
 * before the text index), and reciprocal rank fusion recomputed from the
 * vector and text lists.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, SnapshotError, tokenize, type Embedder, type Metadata, type SearchHit } from 'minivectordb';
import { caught, mulberry32, tempDir } from './helpers.js';
import { findUser, withUserPayload } from './snapshot-craft.js';

interface Doc {
  id: string;
  text: string;
  metadata: Metadata;
}

/** Brute-force BM25(F) over `docs`: every document with a query term, score by the textbook formula. */
function referenceBm25(docs: readonly Doc[], query: string, opts: { k1?: number; b?: number; fields?: Record<string, number> } = {}, allowed?: (d: Doc) => boolean): Map<string, number> {
  const k1 = opts.k1 ?? 1.2;
  const b = opts.b ?? 0.75;
  const fields = opts.fields ?? {};
  const analysed = docs.map((d) => {
    const tf = new Map<string, number>();
    let len = 0;
    const add = (terms: string[], w: number) => {
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + w);
      len += w * terms.length;
    };
    add(tokenize(d.text), 1);
    for (const [path, w] of Object.entries(fields)) {
      const v = d.metadata[path];
      for (const s of Array.isArray(v) ? v : [v]) if (typeof s === 'string') add(tokenize(s), w);
    }
    return { d, tf, len };
  });
  const N = analysed.length;
  const avgdl = analysed.reduce((s, a) => s + a.len, 0) / N;
  const scores = new Map<string, number>();
  for (const term of new Set(tokenize(query))) {
    const df = analysed.filter((a) => a.tf.has(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
    for (const a of analysed) {
      const tf = a.tf.get(term);
      if (tf === undefined || (allowed && !allowed(a.d))) continue;
      const s = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * a.len) / avgdl));
      scores.set(a.d.id, (scores.get(a.d.id) ?? 0) + s);
    }
  }
  return scores;
}

/** Checks text-mode hits against the reference: same ids, scores within 1e-9, best first, at most k. */
function expectMatchesReference(hits: SearchHit[], ref: Map<string, number>, k = Infinity): void {
  const best = [...ref.values()].sort((x, y) => y - x);
  expect(hits.length).toBe(Math.min(k, ref.size));
  hits.forEach((h, i) => {
    expect(ref.has(h.id)).toBe(true);
    expect(h.score).toBeCloseTo(ref.get(h.id)!, 9);
    expect(h.score).toBeCloseTo(best[i]!, 9); // the i-th best score: order and cut are right (ties may swap ids)
    expect(h.ranks).toEqual({ text: i + 1 });
    expect(h.distance).toBeNaN();
  });
}

const WORDS = ['convert', 'images', 'image', 'to', 'PDF', 'img2pdf', 'python3-requests', 'HTTP', 'library', 'music', 'player', 'photo',
  'editor', 'editing', 'backup', 'files', 'numpy', 'NumPy', 'arrays', 'Café', 'tool', 'for', 'the', 'video', 'XMLParser', 'fast'];

function randomDocs(n: number, seed: number, prefix = 'd'): Doc[] {
  const rng = mulberry32(seed);
  const pick = () => WORDS[Math.floor(rng() * WORDS.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    text: Array.from({ length: 2 + Math.floor(rng() * 8) }, pick).join(rng() < 0.5 ? ' ' : ', '),
    metadata: { i, tag: i % 3 === 0 ? 'a' : 'b', name: `${pick()}-${pick()}` },
  }));
}

/** Letter counts a–h, normalised: a tiny deterministic embedder independent of the library. */
function letterEmbedder(): Embedder {
  return {
    dim: 8,
    info: { kind: 'letters', model: 'letters-8', dim: 8, pooling: 'mean', normalize: true, maxLength: 0 },
    async embed(texts: readonly string[]) {
      return texts.map((t) => {
        const v = new Float32Array(8);
        for (const ch of t.toLowerCase()) {
          const i = ch.charCodeAt(0) - 97;
          if (i >= 0 && i < 8) v[i]! += 1;
        }
        v[7]! += 0.01; // never the zero vector
        const n = Math.hypot(...v);
        return v.map((x) => x / n);
      });
    },
    async dispose() {},
  };
}

const QUERIES = ['img2pdf', 'numpy arrays', 'convert image to pdf', 'python3-requests http', 'photo editing', 'cafe', 'XMLParser', 'the', 'nothing-here'];
const FIELDS = { name: 2 };

async function textDb(docs: Doc[], extra: Record<string, unknown> = {}) {
  const db = await MiniVectorDB.create({ embedder: letterEmbedder(), storeText: true, textIndex: { fields: FIELDS }, M: 8, efConstruction: 32, ...extra });
  await db.insertMany(docs);
  return db;
}

describe('BM25 scores equal a brute-force reference', () => {
  test('every query, every document, with a weighted metadata field', async () => {
    const docs = randomDocs(300, 1);
    const db = await textDb(docs);
    for (const q of QUERIES) expectMatchesReference(await db.search(q, { mode: 'text', k: 1000 }), referenceBm25(docs, q, { fields: FIELDS }));
    await db.close();
  });

  test('k1 and b are honoured; k cuts the list', async () => {
    const docs = randomDocs(120, 2);
    const db = await MiniVectorDB.create({ embedder: letterEmbedder(), storeText: true, textIndex: { k1: 2, b: 0.3 } });
    await db.insertMany(docs);
    for (const q of QUERIES) {
      expectMatchesReference(await db.search(q, { mode: 'text', k: 1000 }), referenceBm25(docs, q, { k1: 2, b: 0.3 }));
      expectMatchesReference(await db.search(q, { mode: 'text', k: 3 }), referenceBm25(docs, q, { k1: 2, b: 0.3 }), 3);
    }
    await db.close();
  });

  test('inserts, upserts, text and metadata updates, deletes, deleteByFilter and compaction keep it exact; tombstones never appear', async () => {
    const docs = new Map(randomDocs(200, 3).map((d) => [d.id, d]));
    const db = await textDb([...docs.values()]);
    const check = async () => {
      for (const q of QUERIES) expectMatchesReference(await db.search(q, { mode: 'text', k: 1000 }), referenceBm25([...docs.values()], q, { fields: FIELDS }));
    };
    for (const d of randomDocs(30, 4, 'e')) {
      docs.set(d.id, d);
      await db.insert(d);
    }
    for (const [i, d] of randomDocs(20, 5).entries()) {
      const up = { ...d, text: `${d.text} numpy` };
      if (i % 2 === 0) {
        docs.set(d.id, up);
        await db.insert(up); // upsert
      } else {
        docs.set(d.id, { ...docs.get(d.id)!, text: up.text });
        await db.update(d.id, { text: up.text });
      }
    }
    await db.update('d40', { metadata: { i: 40, tag: 'b', name: 'img2pdf-img2pdf' } });
    docs.set('d40', { ...docs.get('d40')!, metadata: { i: 40, tag: 'b', name: 'img2pdf-img2pdf' } });
    await check();
    for (const id of ['d1', 'd2', 'e3', 'd40']) {
      await db.delete(id);
      docs.delete(id);
    }
    expect(await db.deleteByFilter({ tag: 'a' })).toBeGreaterThan(0);
    for (const [id, d] of docs) if (d.metadata.tag === 'a') docs.delete(id);
    await check();
    // A vector-only update drops the stored text: the record leaves the text index unless a field keeps it in.
    await db.update('d5', { vector: new Float32Array(8).fill(0.5) });
    docs.set('d5', { ...docs.get('d5')!, text: '' });
    await check();
    expect(await db.compact()).toBeGreaterThan(0);
    await check();
    // Reused slots: new records in tombstoned labels must not meet the old postings.
    for (const d of randomDocs(40, 6, 'r')) {
      docs.set(d.id, d);
      await db.insert(d);
    }
    await check();
    await db.close();
  });

  test('many deletes (the postings are rebuilt without the dead documents) and re-inserts', async () => {
    const docs = randomDocs(2600, 7);
    const db = await MiniVectorDB.create({ dim: 2, storeText: true, M: 4, efConstruction: 8 });
    await db.insertMany(docs.map((d, i) => ({ ...d, vector: [i % 7, 1] })));
    await db.deleteMany(docs.slice(0, 2000).map((d) => d.id));
    const live = docs.slice(2000);
    for (const q of QUERIES) expectMatchesReference(await db.search(q, { mode: 'text', k: 5000 }), referenceBm25(live, q));
    const back = randomDocs(500, 8, 'z');
    await db.insertMany(back.map((d, i) => ({ ...d, vector: [i % 5, 2] })));
    for (const q of QUERIES) expectMatchesReference(await db.search(q, { mode: 'text', k: 5000 }), referenceBm25(live.concat(back), q));
    await db.close();
  });
});

test('property: after any sequence of inserts, upserts, updates, deletes and compactions the index equals the reference', async () => {
  const word = fc.constantFrom(...WORDS);
  const text = fc.array(word, { minLength: 0, maxLength: 6 }).map((w) => w.join(' '));
  const id = fc.integer({ min: 0, max: 15 }).map((i) => `p${i}`);
  const op = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), id, text, name: word }),
    fc.record({ kind: fc.constant('text' as const), id, text }),
    fc.record({ kind: fc.constant('name' as const), id, name: word }),
    fc.record({ kind: fc.constant('vector' as const), id }),
    fc.record({ kind: fc.constant('delete' as const), id }),
    fc.record({ kind: fc.constant('compact' as const) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
      const db = await MiniVectorDB.create({ dim: 2, storeText: true, textIndex: { fields: FIELDS }, M: 4, efConstruction: 8 });
      const docs = new Map<string, Doc>();
      let n = 0;
      for (const o of ops) {
        const have = docs.get(o.kind === 'compact' ? '' : o.id);
        if (o.kind === 'insert') {
          docs.set(o.id, { id: o.id, text: o.text, metadata: { name: o.name } });
          await db.insert({ id: o.id, vector: [1, ++n], text: o.text, metadata: { name: o.name } });
        } else if (o.kind === 'compact') {
          await db.compact();
        } else if (have === undefined) {
          continue;
        } else if (o.kind === 'text') {
          docs.set(o.id, { ...have, text: o.text });
          await db.update(o.id, { text: o.text, vector: [3, ++n] }); // no embedder here: the new text comes with its vector
        } else if (o.kind === 'name') {
          docs.set(o.id, { ...have, metadata: { name: o.name } });
          await db.update(o.id, { metadata: { name: o.name } });
        } else if (o.kind === 'vector') {
          docs.set(o.id, { ...have, text: '' }); // a new vector alone drops the stored text; the name field stays
          await db.update(o.id, { vector: [2, ++n] });
        } else {
          docs.delete(o.id);
          await db.delete(o.id);
        }
      }
      const live = [...docs.values()];
      for (const q of ['numpy arrays', 'img2pdf image', 'photo editor', 'python3-requests']) {
        const hits = await db.search(q, { mode: 'text', k: 100 });
        if (live.length === 0) expect(hits).toEqual([]);
        else expectMatchesReference(hits, referenceBm25(live, q, { fields: FIELDS }));
      }
      await db.close();
    }),
    { numRuns: 100, seed: 42 },
  );
});

describe('modes', () => {
  test('filters restrict the BM25 list (statistics stay those of the whole index); count() agrees', async () => {
    const docs = randomDocs(300, 9);
    const db = await textDb(docs);
    const filter = { tag: 'a' };
    const isA = (d: Doc) => d.metadata.tag === 'a';
    for (const q of QUERIES) {
      const hits = await db.search(q, { mode: 'text', k: 1000, filter });
      expectMatchesReference(hits, referenceBm25(docs, q, { fields: FIELDS }, isA));
      for (const h of await db.search(q, { mode: 'hybrid', k: 1000, filter })) expect(h.metadata!.tag).toBe('a');
    }
    expect(await db.count(filter)).toBe(docs.filter(isA).length);
    // No document holds 'zzz': the text list is empty.
    expect(await db.search('zzz', { mode: 'text', filter })).toEqual([]);
    // Every document holds a term of this query, so with a huge k the text list is every match of the filter.
    const everyWord = WORDS.join(' ');
    expect((await db.search(everyWord, { mode: 'text', k: 1e9, filter })).length).toBe(await db.count(filter));
    await db.close();
  });

  test('hybrid: reciprocal rank fusion of the vector and the text list, recomputed here; BM25 candidates the vector list missed are ranked by exact distance', async () => {
    const docs = randomDocs(300, 10);
    const db = await textDb(docs);
    for (const exact of [false, true]) {
      for (const w of [0.5, 0.2, 0.9]) {
        for (const q of QUERIES) {
          const k = 10;
          const nearest = await db.search(q, { mode: 'vector', k: 100, exact });
          const text = await db.search(q, { mode: 'text', k: 100 });
          const everyDistance = new Map((await db.search(q, { mode: 'vector', k: 1000, exact: true })).map((h) => [h.id, h.distance]));
          // The vector ranking: the nearest list, then the BM25 candidates it missed, all ordered by distance (ties: nearest list first, then BM25 order).
          const seen = new Set(nearest.map((h) => h.id));
          const pool = [...nearest.map((h) => ({ id: h.id, d: h.distance })), ...text.filter((h) => !seen.has(h.id)).map((h) => ({ id: h.id, d: everyDistance.get(h.id)! }))];
          const vr = new Map(pool.map((e, i) => ({ ...e, i })).sort((a, b) => a.d - b.d || a.i - b.i).map((e, r) => [e.id, r + 1]));
          const tr = new Map(text.map((h, i) => [h.id, i + 1]));
          const fused = [...vr.keys()]
            .map((id) => ({ id, s: (1 - w) / (60 + vr.get(id)!) + (tr.has(id) ? w / (60 + tr.get(id)!) : 0) }))
            .sort((a, b) => b.s - a.s);
          const hits = await db.search(q, { mode: 'hybrid', k, exact, textWeight: w });
          expect(hits.length).toBe(Math.min(k, fused.length));
          hits.forEach((h, i) => {
            expect(h.score).toBeCloseTo(fused[i]!.s, 12);
            expect(h.ranks).toEqual({ vector: vr.get(h.id), ...(tr.has(h.id) ? { text: tr.get(h.id) } : {}) });
            expect(h.distance).toBe(everyDistance.get(h.id)); // the exact float32 distance, for hits of either list
          });
        }
      }
    }
    await db.close();
  });

  test('hybrid distances equal an independent cosine distance to the embedded query, for hits of either list', async () => {
    const docs = randomDocs(200, 11);
    const db = await textDb(docs);
    const embedder = letterEmbedder();
    const vecs = new Map((await embedder.embed(docs.map((d) => d.text))).map((v, i) => [docs[i]!.id, v]));
    for (const q of QUERIES) {
      const [qv] = await embedder.embed([q]);
      for (const h of await db.search(q, { mode: 'hybrid', k: 20, textWeight: 0.9 })) {
        const v = vecs.get(h.id)!;
        let dot = 0;
        for (let i = 0; i < 8; i++) dot += v[i]! * qv![i]!;
        expect(h.distance).toBeCloseTo(1 - dot, 5);
      }
    }
    await db.close();
  });

  test('the default mode of text queries is hybrid with a text index, vector without; vector queries are vector', async () => {
    const docs = randomDocs(100, 12);
    const db = await textDb(docs);
    expect(await db.search('numpy arrays', { k: 5 })).toEqual(await db.search('numpy arrays', { k: 5, mode: 'hybrid' }));
    const v = await db.search([1, 0, 0, 0, 0, 0, 0, 0], { k: 3 });
    expect(v.every((h) => h.ranks === undefined && h.score === 1 - h.distance)).toBe(true);
    const plain = await MiniVectorDB.create({ embedder: letterEmbedder() });
    await plain.insertMany(docs);
    const hits = await plain.search('numpy arrays', { k: 3 });
    expect(hits.every((h) => h.ranks === undefined)).toBe(true);
    await plain.close();
    await db.close();
  });

  test('searchBatch of texts takes the mode: each list equals the single search', async () => {
    const docs = randomDocs(150, 13);
    const db = await textDb(docs);
    for (const mode of ['text', 'hybrid', 'vector'] as const) {
      const batch = await db.searchBatch(QUERIES, { k: 7, mode, filter: { tag: 'b' } });
      for (const [i, q] of QUERIES.entries()) expect(batch[i]).toEqual(await db.search(q, { k: 7, mode, filter: { tag: 'b' } }));
    }
    await db.close();
  });

  test('bad modes, weights and options are InvalidArgumentErrors', async () => {
    const db = await textDb(randomDocs(20, 14));
    await caught(() => db.search('x', { mode: 'fuzzy' as never }), InvalidArgumentError);
    await caught(() => db.search([1, 0, 0, 0, 0, 0, 0, 0], { mode: 'text' }), InvalidArgumentError);
    await caught(() => db.searchBatch([[1, 0, 0, 0, 0, 0, 0, 0]], { mode: 'hybrid' }), InvalidArgumentError);
    await caught(() => db.search('x', { mode: 'hybrid', textWeight: 1.5 }), InvalidArgumentError);
    await caught(() => db.search('x', { textWeight: Number.NaN }), InvalidArgumentError);
    const plain = await MiniVectorDB.create({ dim: 2 });
    await caught(() => plain.search('x', { mode: 'text' }), InvalidArgumentError);
    await plain.close();
    await caught(() => MiniVectorDB.create({ dim: 2, textIndex: true }), InvalidArgumentError); // needs storeText
    await caught(() => MiniVectorDB.create({ dim: 2, storeText: true, textIndex: { k1: -1 } }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: 2, storeText: true, textIndex: { b: 2 } }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: 2, storeText: true, textIndex: { fields: { $x: 1 } } }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: 2, storeText: true, textIndex: { fields: { name: 0 } } }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: 2, storeText: true, textIndex: { boost: 1 } as never }), InvalidArgumentError);
    // Text mode needs no embedder.
    const noEmbedder = await MiniVectorDB.create({ dim: 2, storeText: true });
    await noEmbedder.insert({ id: 'a', vector: [1, 0], text: 'img2pdf converter' });
    expect((await noEmbedder.search('img2pdf', { mode: 'text' })).map((h) => h.id)).toEqual(['a']);
    expect(await noEmbedder.search('img2pdf')).toEqual(await noEmbedder.search('img2pdf', { mode: 'text' })); // default without an embedder
    await caught(() => noEmbedder.search('img2pdf', { mode: 'hybrid' }), InvalidArgumentError);
    await noEmbedder.close();
    await db.close();
  });
});

describe('snapshots and workers', () => {
  test('round trip: the reopened index equals one built fresh from the live records; settings are kept; textIndex: false stays off', async () => {
    const all = randomDocs(250, 15);
    const opts = { k1: 1.5, b: 0.6, fields: FIELDS };
    const db = await MiniVectorDB.create({ embedder: letterEmbedder(), storeText: true, textIndex: opts });
    await db.insertMany(all);
    await db.deleteMany(['d3', 'd4', 'd100']);
    await db.update('d7', { text: 'img2pdf numpy' });
    const live = all.filter((d) => !['d3', 'd4', 'd100'].includes(d.id)).map((d) => (d.id === 'd7' ? { ...d, text: 'img2pdf numpy' } : d));
    await db.save('memory://hybrid-roundtrip');
    const opened = await MiniVectorDB.open('memory://hybrid-roundtrip', { embedder: letterEmbedder() });
    const fresh = await MiniVectorDB.create({ embedder: letterEmbedder(), storeText: true, textIndex: opts });
    await fresh.insertMany(live);
    for (const q of QUERIES) {
      const a = await opened.search(q, { mode: 'text', k: 1000 });
      const b = await fresh.search(q, { mode: 'text', k: 1000 });
      expect(new Map(a.map((h) => [h.id, h.score]))).toEqual(new Map(b.map((h) => [h.id, h.score])));
      expectMatchesReference(a, referenceBm25(live, q, opts));
      expect(await opened.search(q, { mode: 'text', k: 1000 })).toEqual(await db.search(q, { mode: 'text', k: 1000 }));
    }
    const off = await MiniVectorDB.create({ dim: 2, storeText: true, textIndex: false });
    await off.insert({ id: 'a', vector: [1, 0], text: 'hello' });
    await off.save('memory://hybrid-off');
    const offOpened = await MiniVectorDB.open('memory://hybrid-off');
    await caught(() => offOpened.search('hello', { mode: 'text' }), InvalidArgumentError);
    for (const d of [db, opened, fresh, off, offOpened]) await d.close();
  });

  test('a snapshot written before the text index (format 2.0, storeText) opens and gets its BM25 index', async () => {
    const dir = fileURLToPath(new URL('../fixtures/snapshots/text/', import.meta.url));
    const side = JSON.parse(readFileSync(`${dir}v2.0-text.json`, 'utf8')) as { texts: string[]; deletedId: string };
    const db = await MiniVectorDB.open(pathToFileURL(`${dir}v2.0-text.mvdb`).href);
    const live: Doc[] = side.texts.map((text, i) => ({ id: `t${i}`, text, metadata: {} })).filter((d) => d.id !== side.deletedId);
    expect(await db.count()).toBe(live.length);
    for (const q of [...QUERIES, 'naive resume', 'music player']) {
      expectMatchesReference(await db.search(q, { mode: 'text', k: 1000 }), referenceBm25(live, q));
    }
    // Odd labels only: the filter is honoured on the rebuilt index too.
    const odd = await db.search('music', { mode: 'text', k: 1000, filter: { tag: 'odd' } });
    expect(odd.length).toBeGreaterThan(0);
    expect(odd.every((h) => (h.metadata!.i as number) % 2 === 1)).toBe(true);
    await db.close();
  });

  test('the stored postings: used on open, checked, ignored when written by another analyzer version', async () => {
    const docs = randomDocs(120, 17);
    const db = await textDb(docs);
    await db.delete('d9');
    const live = docs.filter((d) => d.id !== 'd9');
    const tmp = await tempDir();
    const url = tmp.url('stored.mvdb');
    await db.save(url);
    await db.close();
    const good = new Uint8Array(await readFile(new URL(url)));
    const { payload, withUser } = userSection(good);
    const table = decode(payload) as { settings: { textPostings: Record<string, unknown> } };
    const postings = table.settings.textPostings;
    expect(postings.analyzer).toBe(1);
    let variant = 0;
    const openWith = async (textPostings: unknown) => {
      const file = tmp.url(`v${variant++}.mvdb`);
      await writeFile(new URL(file), withUser(encode({ ...table, settings: { ...table.settings, textPostings } })));
      return MiniVectorDB.open(file, { embedder: letterEmbedder() });
    };
    const q = 'numpy arrays image';
    const reference = referenceBm25(live, q, { fields: FIELDS });
    // As saved, without postings (built from the texts), and from another analyzer (rebuilt): all equal the reference.
    for (const p of [postings, undefined, { ...postings, analyzer: 99 }]) {
      const opened = await openWith(p);
      expectMatchesReference(await opened.search(q, { mode: 'text', k: 1000 }), reference);
      await opened.close();
    }
    // The stored tfs are what the opened index scores with (they are read, not recomputed): doubled tfs, other scores.
    const tfs = new Float64Array((postings.tfs as Uint8Array).slice().buffer);
    const doubled = await openWith({ ...postings, tfs: new Uint8Array(tfs.map((x) => 2 * x).buffer) });
    const scores = await doubled.search(q, { mode: 'text', k: 1000 });
    expect(scores.length).toBe(reference.size);
    expect(scores.some((h) => Math.abs(h.score - reference.get(h.id)!) > 1e-6)).toBe(true);
    await doubled.close();
    // Malformed: SnapshotError, not a crash or a wrong index.
    const u32 = (a: number[]) => new Uint8Array(new Uint32Array(a).buffer);
    const labels = new Uint32Array((postings.labels as Uint8Array).slice().buffer);
    const bad: Record<string, unknown>[] = [
      { ...postings, terms: 'x' },
      { ...postings, terms: [...(postings.terms as string[]), (postings.terms as string[])[0]] },
      { ...postings, labels: (postings.labels as Uint8Array).subarray(0, 5) },
      { ...postings, counts: u32([1, 2, 3]) },
      { ...postings, labels: u32([...labels].map((l, i) => (i === 3 ? 9 : l))) }, // d9 is deleted
      { ...postings, labels: u32([...labels].reverse()) },
      { ...postings, termIndexes: u32(new Array((postings.termIndexes as Uint8Array).byteLength / 4).fill(1e6)) },
      { ...postings, tfs: new Uint8Array(tfs.map(() => Number.NaN).buffer) },
      [1, 2],
    ];
    for (const p of bad) {
      const e = await caught(() => openWith(p), SnapshotError);
      expect(e.code).toBe('SNAPSHOT_CORRUPT');
    }
    await tmp.cleanup();
  });

  test('in a worker: mode, textWeight and text index options pass through; results equal the main thread’s', async () => {
    const docs = randomDocs(120, 16).map(({ id, text, metadata }) => ({ id, text, metadata }));
    const options = { storeText: true, textIndex: { fields: FIELDS } } as const;
    await using worker = await MiniVectorDB.createInWorker(options);
    const main = await MiniVectorDB.create(options);
    await worker.insertMany(docs);
    await main.insertMany(docs);
    for (const mode of ['text', 'hybrid'] as const) {
      const w = await worker.searchBatch(QUERIES, { k: 5, mode, textWeight: 0.7, filter: { tag: 'b' } });
      const m = await main.searchBatch(QUERIES, { k: 5, mode, textWeight: 0.7, filter: { tag: 'b' } });
      expect(w).toEqual(m);
      expect(await worker.search('img2pdf', { mode })).toEqual(await main.search('img2pdf', { mode }));
    }
    expect(w0(await worker.search('img2pdf'))).toBe(w0(await main.search('img2pdf')));
    await caught(() => worker.search('img2pdf', { mode: 'bogus' as never }), InvalidArgumentError);
    await main.close();
  });
});

/** The USER section of a snapshot and a function splicing another payload in (CRC recomputed, as corrupt.test.ts does). */
function userSection(good: Uint8Array): { payload: Uint8Array; withUser: (payload: Uint8Array) => Uint8Array } {
  const { at, length } = findUser(good);
  const withUser = (payload: Uint8Array): Uint8Array => withUserPayload(good, payload);
  const payload = good.slice(at + 16, at + 16 + length);
  expect(withUser(payload)).toEqual(good);
  return { payload, withUser };
}

function w0(hits: SearchHit[]): string | undefined {
  return hits[0]?.id;
}
