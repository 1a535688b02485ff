/**
 * Images through the public API (the built package), with the tiny random
 * CLIP: insert / insertMany of images in every Node form, text → image and
 * image → image search (ranked as the brute-force cosine of the embedder's
 * own vectors: the text tower for texts, the vision tower for images),
 * update, snapshots that record the model by identity only and reopen by
 * hub id, typed errors, and the same in a worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ClipEmbedder,
  EmbedderMismatchError,
  ImageDecodeError,
  ImagesUnsupportedError,
  InvalidArgumentError,
  MiniVectorDB,
  type ImageInput,
  type SearchHit,
} from 'minivectordb';
import { FIXTURES, startModelServer, tempDir, TINY_BERT } from './embed/helpers.js';
import { TINY_CLIP as TINY_ARCH, writeClipFolder } from '../../scripts/model/lib/clip-folder.mjs';

const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
import { DEBIAN_JPEG, DEBIAN_PNG, makeImage } from './embed/image-fixtures.js';

const FOLDER_PNG = '/usr/share/icons/Adwaita/512x512/places/folder-pictures.png'; // 512×512 RGBA (adwaita-icon-theme)

const TINY_CLIP = join(FIXTURES, 'tiny-clip');
const EMBEDDER = { kind: 'clip' as const, modelPath: TINY_CLIP, cache: false };
const raw = (w: number, h: number, seed: number) => {
  const img = makeImage(w, h, seed);
  return { data: img.rgb, width: img.width, height: img.height, channels: 3 as const };
};
const png = readFileSync(DEBIAN_PNG);
const ITEMS: { id: string; image: ImageInput; metadata: { kind: string } }[] = [
  { id: 'logo-path', image: DEBIAN_PNG, metadata: { kind: 'png' } },
  { id: 'stripe-buffer', image: readFileSync(DEBIAN_JPEG), metadata: { kind: 'jpeg' } },
  { id: 'folder-blob', image: new Blob([readFileSync(FOLDER_PNG)]), metadata: { kind: 'png' } },
  ...Array.from({ length: 9 }, (_, i) => ({ id: `gen-${i}`, image: raw(30 + 7 * i, 25 + 11 * i, i), metadata: { kind: 'raw' } })),
];

function cos(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!;
  return d;
}

/** Ids by decreasing cosine with `q` (ties by id). */
function bruteForce(q: Float32Array, vectors: Map<string, Float32Array>): string[] {
  return [...vectors].sort((x, y) => cos(q, y[1]) - cos(q, x[1]) || (x[0] < y[0] ? -1 : 1)).map(([id]) => id);
}

let clip: ClipEmbedder;
let vectors: Map<string, Float32Array>;
beforeAll(async () => {
  clip = await ClipEmbedder.create(EMBEDDER);
  const v = await clip.embedImages(ITEMS.map((i) => i.image));
  vectors = new Map(ITEMS.map((it, i) => [it.id, v[i]!]));
});
afterAll(async () => {
  await clip.dispose();
});

describe('an image database on the page', () => {
  let db: MiniVectorDB;
  beforeAll(async () => {
    db = await MiniVectorDB.create({ embedder: EMBEDDER });
  });
  afterAll(async () => {
    await db.close();
  });

  test('insertMany of paths, Buffers, Blobs and pixels: progress embed then insert; the stored vectors are the vision tower’s', async () => {
    const events: string[] = [];
    const r = await db.insertMany(ITEMS, { onProgress: (done, total, phase) => events.push(`${phase} ${done}/${total}`) });
    expect(r).toEqual({ inserted: ITEMS.length, updated: 0 });
    expect(db.dim).toBe(16);
    expect(db.metric).toBe('cosine');
    expect(events).toEqual(['embed 8/12', 'embed 12/12', 'insert 12/12']); // imageBatchSize 8
    for (const [id, v] of vectors) {
      const rec = await db.get(id);
      for (let i = 0; i < v.length; i++) expect(Math.abs(rec!.vector[i]! - v[i]!)).toBeLessThan(1e-6);
    }
  });

  test('text → image: a text query goes through the text tower and ranks as the brute-force cosine', async () => {
    for (const text of ['a photo of a cat', 'red car at sunset', 'the beach']) {
      const [q] = await clip.embed([text]);
      const hits = await db.search(text, { k: ITEMS.length, exact: true });
      expect(hits.map((h) => h.id), text).toEqual(bruteForce(q!, vectors));
      hits.forEach((h) => expect(Math.abs(h.score - cos(q!, vectors.get(h.id)!))).toBeLessThan(1e-5));
    }
  });

  test('image → image: bare Blob, { image: path }, { image: Buffer } and pixels find themselves first (score 1), then rank as brute force', async () => {
    const queries: [unknown, string][] = [
      [new Blob([png]), 'logo-path'],
      [new Blob([readFileSync(FOLDER_PNG)]), 'folder-blob'],
      [{ image: DEBIAN_JPEG }, 'stripe-buffer'],
      [{ image: png }, 'logo-path'],
      [raw(30 + 7 * 3, 25 + 11 * 3, 3), 'gen-3'],
    ];
    for (const [query, self] of queries) {
      const hits: SearchHit[] = await db.search(query as never, { k: ITEMS.length, exact: true });
      expect(hits[0]!.score).toBeGreaterThan(1 - 1e-5);
      expect(hits[0]!.id).toBe(self);
      expect(hits.map((h) => h.id)).toEqual(bruteForce(vectors.get(self)!, vectors));
    }
    // through the HNSW graph too, with a filter
    const filtered = await db.search({ image: DEBIAN_JPEG }, { k: 3, filter: { kind: 'raw' } });
    expect(filtered.map((h) => h.id)).toEqual(bruteForce(vectors.get('stripe-buffer')!, vectors).filter((id) => id.startsWith('gen-')).slice(0, 3));
    // searchBatch of images
    const batch = await db.searchBatch([{ image: DEBIAN_PNG }, raw(30, 25, 0)], { k: 1 });
    expect(batch.map((h) => h[0]!.score > 1 - 1e-5)).toEqual([true, true]);
  });

  test('an undecodable image fails the whole insert with ImageDecodeError naming the item; nothing is added', async () => {
    const before = db.size;
    const e = await caught(db.insertMany([{ id: 'ok', image: raw(40, 40, 9) }, { id: 'bad', image: new Uint8Array([137, 80, 78, 71, 1, 2]) }]));
    expect(e).toBeInstanceOf(ImageDecodeError);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as ImageDecodeError).reason).toBe('undecodable');
    expect((e as Error).message).toMatch(/^items\[1\]\.image/);
    expect(db.size).toBe(before);
    expect(await db.get('ok')).toBeUndefined();
  });

  test('update(id, { image }) replaces the vector, keeps the metadata', async () => {
    await db.update('gen-0', { image: DEBIAN_PNG });
    const rec = await db.get('gen-0');
    expect(cos(rec!.vector, vectors.get('logo-path')!)).toBeGreaterThan(1 - 1e-5);
    expect(rec!.metadata).toEqual({ kind: 'raw' });
  });
});

describe('snapshots record the model, never where it was', () => {
  test('save → open with the folder again: image and text search work; the folder in the snapshot is a label, never loaded', async () => {
    const dir = tempDir('images-snap');
    try {
      const db = await MiniVectorDB.create({ embedder: EMBEDDER });
      await db.insertMany(ITEMS.slice(0, 5));
      const url = `file://${dir.path}/photos.mvdb`;
      await db.save(url);
      await db.close();
      const bytes = readFileSync(join(dir.path, 'photos.mvdb'));
      expect(bytes.includes(Buffer.from(clip.info.digest!))).toBe(true);
      // without an embedder: a folder model cannot be found from the snapshot alone
      const blind = await MiniVectorDB.open(url);
      const e = await caught(blind.search({ image: DEBIAN_PNG }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/kind: 'clip', modelPath/);
      await blind.close();
      const again = await MiniVectorDB.open(url, { embedder: EMBEDDER });
      expect((await again.search({ image: DEBIAN_PNG }, { k: 1 }))[0]!.score).toBeGreaterThan(1 - 1e-5);
      expect((await again.search('a photo of a cat', { k: 5 })).map((h) => h.id)).toEqual(bruteForce((await clip.embed(['a photo of a cat']))[0]!, new Map([...vectors].filter(([id]) => ITEMS.slice(0, 5).some((i) => i.id === id)))));
      await again.close();
    } finally {
      dir.remove();
    }
  });

  test('another CLIP model (same shapes, other weights) given to open() is an EmbedderMismatchError at the first image call', async () => {
    const dir = tempDir('images-mismatch');
    try {
      writeClipFolder(join(dir.path, 'other-clip'), TINY_ARCH, { seed: 8 });
      const db = await MiniVectorDB.create({ embedder: EMBEDDER });
      await db.insertMany(ITEMS.slice(0, 3));
      await db.save(`file://${dir.path}/m.mvdb`);
      await db.close();
      const other = await MiniVectorDB.open(`file://${dir.path}/m.mvdb`, { embedder: { ...EMBEDDER, modelPath: join(dir.path, 'other-clip') } });
      const e = await caught(other.search({ image: DEBIAN_PNG }));
      expect(e).toBeInstanceOf(EmbedderMismatchError);
      expect((e as EmbedderMismatchError).differences.join()).toMatch(/digest/);
      await other.close();
    } finally {
      dir.remove();
    }
  });

  test('a model loaded by hub id reopens from the snapshot with only the host and cache options', async () => {
    const server = await startModelServer({ 'test/tiny-clip': TINY_CLIP });
    const dir = tempDir('images-hub');
    try {
      const fetchOptions = { remoteHost: server.url, cacheDir: join(dir.path, 'cache') };
      const db = await MiniVectorDB.create({ embedder: { kind: 'clip', model: 'test/tiny-clip', ...fetchOptions } });
      await db.insertMany(ITEMS.slice(3, 8));
      await db.save(`file://${dir.path}/hub.mvdb`);
      await db.close();
      const again = await MiniVectorDB.open(`file://${dir.path}/hub.mvdb`, { embedder: fetchOptions });
      expect((await again.search(raw(30 + 7 * 2, 25 + 11 * 2, 2), { k: 1 }))[0]).toMatchObject({ id: 'gen-2' });
      await again.close();
    } finally {
      await server.close();
      dir.remove();
    }
  });
});

describe('typed errors without an image tower', () => {
  test('a text-only embedder given an image: ImagesUnsupportedError on insert and search; a vector database too', async () => {
    const text = await MiniVectorDB.create({ embedder: { modelPath: TINY_BERT } });
    const e1 = await caught(text.insert({ id: 'x', image: DEBIAN_PNG }));
    expect(e1).toBeInstanceOf(ImagesUnsupportedError);
    expect((e1 as ImagesUnsupportedError).model).toBe(TINY_BERT);
    expect(await caught(text.search({ image: DEBIAN_PNG }))).toBeInstanceOf(ImagesUnsupportedError);
    expect(text.size).toBe(0);
    await text.close();
    const plain = await MiniVectorDB.create({ dim: 16 });
    const e2 = await caught(plain.insert({ id: 'x', image: DEBIAN_PNG }));
    expect(e2).toBeInstanceOf(ImagesUnsupportedError);
    expect((e2 as ImagesUnsupportedError).model).toBeUndefined();
    await plain.close();
  });
});

describe('in a worker', () => {
  test('insertMany of Buffers, paths and pixels; text → image and image → image as on the page; typed errors cross', async () => {
    const db = await MiniVectorDB.createInWorker({ embedder: EMBEDDER });
    try {
      const events: string[] = [];
      await db.insertMany(ITEMS, { onProgress: (d, t, p) => events.push(`${p} ${d}/${t}`) });
      expect(events.at(-1)).toBe('insert 12/12');
      const [q] = await clip.embed(['green tree']);
      expect((await db.search('green tree', { k: ITEMS.length, exact: true })).map((h) => h.id)).toEqual(bruteForce(q!, vectors));
      const hits = await db.search({ image: readFileSync(DEBIAN_JPEG) }, { k: ITEMS.length, exact: true });
      expect(hits.map((h) => h.id)).toEqual(bruteForce(vectors.get('stripe-buffer')!, vectors));
      const e = await caught(db.insert({ id: 'bad', image: new Uint8Array([1, 2, 3]) }));
      expect(e).toBeInstanceOf(ImageDecodeError);
      expect((e as ImageDecodeError).reason).toBe('undecodable');
      expect(db.size).toBe(ITEMS.length);
    } finally {
      await db.close();
    }
  });
});
