/**
 * Snapshots are data (README, Security): a crafted snapshot — its USER
 * section rewritten and every checksum recomputed — that names locations for
 * the embedder (onnxruntime's `wasmPaths`, `modelUrl`, `remoteHost`,
 * `localModelPath`, `cacheDir`, `modelPath`) makes open() and the first text
 * search load nothing from them and write nothing there, on the main thread
 * and in a worker; the recorded model identity is checked against the
 * supplied embedder (EmbedderMismatchError, or a warning by option).
 *
 * The bases are built in workers so that onnxruntime is first imported on
 * this thread by the first test, which plants `wasmPaths` (onnxruntime reads
 * it once per thread, at its first import).
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  DimensionMismatchError,
  EmbedderMismatchError,
  InvalidArgumentError,
  MiniVectorDB,
  MiniVectorDBError,
  ModelLoadError,
  SnapshotError,
  type Embedder,
  type Logger,
} from 'minivectordb';
import { caught, tempDir } from './helpers.js';
import { startModelServer, TINY_BERT, type ModelServer } from './embed/helpers.js';
import { editUser, readUser } from './snapshot-craft.js';

const DOCS = ['repairing a bike', 'baking banana bread', 'convert images to pdf', 'the stock market fell today'];
const BIKE = 'how do I fix my bicycle';
const TINY_FILES = ['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json'];

let tmp: Awaited<ReturnType<typeof tempDir>>;
/** Serves nothing (404) and counts requests: the attacker's host. */
let evil: ModelServer;
/** Serves tiny-bert as the hub model `test/tiny-bert`: the caller's own host. */
let trusted: ModelServer;
/** Snapshots built with wordnet-256 (dim 256) and with tiny-bert from its folder (dim 16). */
let wordnetBase: Uint8Array;
let tinyBase: Uint8Array;
let evilOrt: string;
let marker: string;
let evilCache: string;

/** Every location an attacker would like the embedder to use. */
function hostile(): Record<string, unknown> {
  return {
    modelUrl: `${evil.url}/folder/`,
    remoteHost: evil.url,
    localModelPath: `${evil.url}/local`,
    cacheDir: evilCache,
    cacheName: 'evil-cache',
    wasm: { wasmPaths: `${pathToFileURL(evilOrt).href}/` },
  };
}

/** Writes `bytes` as a fresh snapshot file and returns its URL. */
let files = 0;
function plant(bytes: Uint8Array): string {
  const url = tmp.url(`crafted-${files++}.mvdb`);
  writeFileSync(new URL(url), bytes);
  return url;
}

/** The record of `base` with `extra` fields merged into its embedder record. */
function crafted(base: Uint8Array, extra: (embedder: Record<string, unknown>) => void): string {
  return plant(
    editUser(base, (user) => {
      const settings = user.settings as { embedder: Record<string, unknown> };
      extra(settings.embedder);
    }),
  );
}

function assertUntouched(): void {
  expect(evil.requests).toEqual([]);
  expect(existsSync(marker), 'the planted onnxruntime script ran').toBe(false);
  expect(existsSync(evilCache), 'something was written at the planted cacheDir').toBe(false);
}

/** Independent digest of a model folder: sha256 over `sha256sum`-style lines of its files, sorted by name. */
function folderDigest(dir: string, names: readonly string[]): string {
  const lines = [...names]
    .sort()
    .map((n) => `${createHash('sha256').update(readFileSync(join(dir, n))).digest('hex')}  ${n}\n`)
    .join('');
  return `sha256:${createHash('sha256').update(lines).digest('hex')}`;
}

beforeAll(async () => {
  tmp = await tempDir();
  evil = await startModelServer({});
  trusted = await startModelServer({ 'test/tiny-bert': TINY_BERT });
  evilOrt = join(tmp.dir, 'evil-ort');
  marker = join(tmp.dir, 'evil-ort-ran');
  evilCache = join(tmp.dir, 'evil-cache');
  mkdirSync(evilOrt);
  // What a planted wasmPaths would make onnxruntime import: proves code ran by leaving a file.
  const script = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default function () { throw new Error('planted'); }\n`;
  for (const name of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.asyncify.mjs']) writeFileSync(join(evilOrt, name), script);

  const w = await MiniVectorDB.createInWorker({ storeText: true, storage: tmp.url('wordnet.mvdb') });
  await w.insertMany(DOCS.map((text, i) => ({ id: `d${i}`, text })));
  await w.save();
  await w.close();
  wordnetBase = new Uint8Array(readFileSync(new URL(tmp.url('wordnet.mvdb'))));

  const t = await MiniVectorDB.createInWorker({ embedder: { modelPath: TINY_BERT }, storage: tmp.url('tiny.mvdb') });
  await t.insertMany(DOCS.map((text, i) => ({ id: `d${i}`, text })));
  await t.save();
  await t.close();
  tinyBase = new Uint8Array(readFileSync(new URL(tmp.url('tiny.mvdb'))));
});

afterAll(async () => {
  await evil?.close();
  await trusted?.close();
  await tmp?.cleanup();
});

describe('what a snapshot records', () => {
  test('the identity of its embedder (with an independent digest of the model files), and no location', () => {
    const record = (readUser(tinyBase).settings as { embedder: Record<string, unknown> }).embedder;
    expect(record).toEqual({
      kind: 'onnx',
      model: TINY_BERT,
      dim: 16,
      modelFile: 'onnx/model.onnx',
      pooling: 'mean',
      normalize: true,
      maxLength: 16,
      digest: folderDigest(TINY_BERT, TINY_FILES),
    });
    const wordnet = (readUser(wordnetBase).settings as { embedder: Record<string, unknown> }).embedder;
    expect(Object.keys(wordnet).sort()).toEqual(['digest', 'dim', 'kind', 'maxLength', 'model', 'modelFile', 'normalize', 'pooling']);
    expect(wordnet.model).toBe('wordnet-256');
  });
});

describe('a crafted snapshot with valid checksums, opened on this thread', () => {
  test('wasmPaths (onnxruntime code) in the record: the first text search does not import from it', async () => {
    const url = crafted(wordnetBase, (e) => {
      e.config = { model: 'wordnet-256', wasm: { wasmPaths: `${pathToFileURL(evilOrt).href}/` } };
      e.wasm = { wasmPaths: `${pathToFileURL(evilOrt).href}/` };
      e.wasmPaths = `${pathToFileURL(evilOrt).href}/`;
    });
    const db = await MiniVectorDB.open(url);
    const hits = await db.search(BIKE, { k: 1 });
    expect(hits[0]!.id).toBe('d0');
    assertUntouched();
    await db.close();
  });

  test('an old-style record with every location (modelUrl, remoteHost, localModelPath, cacheDir, wasmPaths) opens and ignores them', async () => {
    const url = crafted(wordnetBase, (e) => {
      e.config = { model: 'wordnet-256', ...hostile() };
      Object.assign(e, hostile());
    });
    const db = await MiniVectorDB.open(url);
    expect((await db.search(BIKE, { k: 1 }))[0]!.id).toBe('d0');
    expect((await db.searchBatch(['bread', 'pdf'], { k: 1 })).map((h) => h[0]!.id)).toEqual(['d1', 'd2']);
    assertUntouched();
    // Saved again, the record keeps the identity only.
    await db.save(tmp.url('resaved.mvdb'));
    const resaved = (readUser(new Uint8Array(readFileSync(new URL(tmp.url('resaved.mvdb'))))).settings as { embedder: object }).embedder;
    expect(Object.keys(resaved).sort()).toEqual(['digest', 'dim', 'kind', 'maxLength', 'model', 'modelFile', 'normalize', 'pooling']);
    await db.close();
  });

  test('a recorded hub model id with no embedder option: fetched from the default host only', async () => {
    const url = crafted(tinyBase, (e) => {
      e.model = 'Evil/model';
      e.revision = 'main';
      e.config = { model: 'Evil/model', revision: 'main', ...hostile() };
      Object.assign(e, hostile());
    });
    const defaultCache = join(tmp.dir, 'default-cache');
    const fetched: string[] = [];
    vi.stubEnv('MINIVECTORDB_CACHE', defaultCache);
    vi.stubGlobal('fetch', async (input: string | URL) => {
      fetched.push(String(input));
      return new Response('Entry not found', { status: 404 });
    });
    try {
      const db = await MiniVectorDB.open(url);
      await caught(() => db.search('bike', { k: 1 }), ModelLoadError);
      await db.close();
    } finally {
      vi.unstubAllGlobals();
      vi.unstubAllEnvs();
    }
    expect(fetched.length).toBeGreaterThan(0);
    for (const u of fetched) expect(u.startsWith('https://huggingface.co/Evil/model/resolve/main/'), u).toBe(true);
    assertUntouched();
    expect(existsSync(defaultCache) ? readdirSync(defaultCache) : []).toEqual([]); // nothing broken is cached
  });

  test("locations come from the caller's options, the model id from the record", async () => {
    const url = crafted(tinyBase, (e) => {
      e.model = 'test/tiny-bert';
      e.revision = 'main';
      e.config = { model: 'test/tiny-bert', ...hostile() };
      Object.assign(e, hostile());
    });
    const cacheDir = join(tmp.dir, 'trusted-cache');
    const db = await MiniVectorDB.open(url, { embedder: { remoteHost: trusted.url, cacheDir } });
    expect((await db.search(DOCS[2]!, { k: 1 }))[0]!.id).toBe('d2');
    assertUntouched();
    expect(trusted.requests.some((p) => p.startsWith('/test/tiny-bert/resolve/main/'))).toBe(true);
    expect(readdirSync(cacheDir).length).toBeGreaterThan(0);
    await db.close();
  });

  test('a model recorded by folder (modelPath) is not loaded from the recorded path: the caller must give it', async () => {
    const elsewhere = join(tmp.dir, 'tiny-copy');
    cpSync(TINY_BERT, elsewhere, { recursive: true });
    const url = crafted(tinyBase, (e) => {
      e.model = elsewhere;
      e.config = { modelPath: elsewhere, ...hostile() };
      e.modelPath = elsewhere;
    });
    const blind = await MiniVectorDB.open(url);
    const err = await caught(() => blind.search('bike'), InvalidArgumentError);
    expect(err.message).toContain('modelPath');
    expect(await blind.search(new Float32Array(16).fill(0.25), { k: 1 })).toHaveLength(1); // vectors still work
    await blind.close();
    const given = await MiniVectorDB.open(url, { embedder: { modelPath: TINY_BERT } });
    expect((await given.search(DOCS[1]!, { k: 1 }))[0]!.id).toBe('d1');
    await given.close();
    assertUntouched();
  });

  test('an idb:// snapshot planted by a page of the same origin is data too', async () => {
    const bytes = editUser(wordnetBase, (user) => {
      const e = (user.settings as { embedder: Record<string, unknown> }).embedder;
      e.config = { model: 'wordnet-256', ...hostile() };
      Object.assign(e, hostile());
    });
    await MiniVectorDB.listSaved('idb://'); // creates the schema
    const raw = await openDB('minivectordb');
    const tx = raw.transaction(['manifests', 'chunks'], 'readwrite');
    await tx.objectStore('manifests').put({ name: 'planted', generation: 1, chunks: 1, byteLength: bytes.length, savedAt: 0 });
    await tx.objectStore('chunks').put(bytes, ['planted', 1, 0]);
    await tx.done;
    raw.close();
    const db = await MiniVectorDB.open('idb://planted');
    expect((await db.search(BIKE, { k: 1 }))[0]!.id).toBe('d0');
    assertUntouched();
    await db.close();
    await MiniVectorDB.removeSaved('idb://planted');
  });

  test('a malformed embedder record is a SnapshotError', async () => {
    const cases: [string, (e: Record<string, unknown>) => void][] = [
      ['model not a string', (e) => (e.model = { modelUrl: evil.url })],
      ['dim not an integer', (e) => (e.dim = 'sixteen')],
      ['unknown pooling', (e) => (e.pooling = 'max')],
      ['digest not sha256', (e) => (e.digest = 'md5:abc')],
      ['kind, model and dim missing', (e) => Object.keys(e).forEach((k) => delete e[k])],
    ];
    for (const [name, edit] of cases) {
      const err = await caught(() => MiniVectorDB.open(crafted(tinyBase, edit)), SnapshotError);
      expect(err.code, name).toBe('SNAPSHOT_CORRUPT');
    }
    expect(evil.requests).toEqual([]);
  });
});

describe('recorded vs supplied model', () => {
  let changed: string;
  beforeAll(() => {
    // The same model with one harmless extra key in config.json: another digest, the same vectors.
    changed = join(tmp.dir, 'tiny-changed');
    cpSync(TINY_BERT, changed, { recursive: true });
    const config = JSON.parse(readFileSync(join(changed, 'config.json'), 'utf8'));
    writeFileSync(join(changed, 'config.json'), JSON.stringify({ ...config, _note: 'edited' }));
  });

  test('another model (digest), pooling or normalisation → EmbedderMismatchError at the first text call', async () => {
    const url = plant(tinyBase);
    const cases: [object, string][] = [
      [{ modelPath: changed }, 'digest'],
      [{ modelPath: TINY_BERT, pooling: 'cls' }, 'pooling'],
      [{ modelPath: TINY_BERT, normalize: false }, 'normalize'],
    ];
    for (const [embedder, field] of cases) {
      const db = await MiniVectorDB.open(url, { embedder });
      const err = await caught(() => db.search('bike'), EmbedderMismatchError);
      expect(err).toBeInstanceOf(MiniVectorDBError);
      expect(err.code).toBe('EMBEDDER_MISMATCH');
      expect(err.differences.map((d) => d.split(':')[0])).toEqual([field]);
      expect(err.recorded.digest).toBe(folderDigest(TINY_BERT, TINY_FILES));
      // A failed load changes nothing: vector queries work and the next text call fails the same way.
      expect(await db.search(new Float32Array(16).fill(0.25), { k: 1 })).toHaveLength(1);
      await caught(() => db.insert({ id: 'x', text: 'bike' }), EmbedderMismatchError);
      expect(db.size).toBe(DOCS.length);
      await db.close();
    }
  });

  test('the same model from another folder matches (the digest names it, not the path)', async () => {
    const copy = join(tmp.dir, 'tiny-same');
    cpSync(TINY_BERT, copy, { recursive: true });
    const db = await MiniVectorDB.open(plant(tinyBase), { embedder: { modelPath: copy } });
    expect((await db.search(DOCS[3]!, { k: 1 }))[0]!.id).toBe('d3');
    await db.close();
  });

  test("embedderMismatch: 'warn' logs through the logger and uses the supplied model", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const db = await MiniVectorDB.open(plant(tinyBase), { embedder: { modelPath: changed }, embedderMismatch: 'warn', logger });
    expect((await db.search(DOCS[0]!, { k: 1 }))[0]!.id).toBe('d0');
    expect(warnings.some((w) => w.includes('digest') && w.includes("embedderMismatch: 'warn'"))).toBe(true);
    await db.close();
    await caught(() => MiniVectorDB.open(plant(tinyBase), { embedderMismatch: 'maybe' as never }), InvalidArgumentError);
  });

  test('a custom Embedder object is checked by open() itself; a different dimension is a DimensionMismatchError', async () => {
    const letters = (model: string, dim = 8): Embedder => ({
      dim,
      info: { kind: 'letters', model, dim, pooling: 'mean', normalize: true, maxLength: 0 },
      embed: async (texts) => texts.map(() => new Float32Array(dim).fill(1 / Math.sqrt(dim))),
      dispose: async () => {},
    });
    const db = await MiniVectorDB.create({ embedder: letters('letters-8') });
    await db.insert({ id: 'a', text: 'abc' });
    await db.save('memory://trust-custom');
    await db.close();
    const err = await caught(() => MiniVectorDB.open('memory://trust-custom', { embedder: letters('letters-9') }), EmbedderMismatchError);
    expect(err.differences).toEqual(['model: "letters-8" recorded, "letters-9" supplied']);
    await caught(() => MiniVectorDB.open('memory://trust-custom', { embedder: letters('letters-8', 4) }), DimensionMismatchError);
    const warned = await MiniVectorDB.open('memory://trust-custom', { embedder: letters('letters-9'), embedderMismatch: 'warn' });
    expect(await warned.search('abc', { k: 1 })).toHaveLength(1);
    await warned.close();
    const same = await MiniVectorDB.open('memory://trust-custom', { embedder: letters('letters-8') });
    expect((await same.search('abc', { k: 1 }))[0]!.id).toBe('a');
    await same.close();
  });
});

test('whatever a custom embedder reports as info, the database saves and opens again', async () => {
  const odd = (): Embedder =>
    ({
      dim: 4,
      info: { model: 'm'.repeat(5000), maxLength: 'long', pooling: 'max', digest: 'none', extra: { url: 'http://x' } },
      embed: async (texts: readonly string[]) => texts.map(() => new Float32Array([0.5, 0.5, 0.5, 0.5])),
      dispose: async () => {},
    }) as unknown as Embedder;
  const db = await MiniVectorDB.create({ embedder: odd() });
  await db.insert({ id: 'a', text: 'x' });
  await db.save('memory://trust-odd');
  await db.close();
  const again = await MiniVectorDB.open('memory://trust-odd', { embedder: odd() });
  expect((await again.search('y', { k: 1 }))[0]!.id).toBe('a');
  await again.save(tmp.url('odd.mvdb'));
  await again.close();
  const record = (readUser(new Uint8Array(readFileSync(new URL(tmp.url('odd.mvdb'))))).settings as { embedder: object }).embedder;
  expect(record).toEqual({ kind: 'custom', model: 'm'.repeat(1024), dim: 4 });
});

describe('a crafted snapshot opened in a worker', () => {
  test('wasmPaths, modelUrl, remoteHost, localModelPath, cacheDir in the record are ignored by openInWorker', async () => {
    const url = crafted(wordnetBase, (e) => {
      e.config = { model: 'wordnet-256', wasm: { wasmPaths: `${pathToFileURL(evilOrt).href}/` } };
      Object.assign(e, hostile());
    });
    const db = await MiniVectorDB.openInWorker(url);
    expect((await db.search(BIKE, { k: 1 }))[0]!.id).toBe('d0');
    await db.close();
    const url2 = crafted(wordnetBase, (e) => {
      e.config = { model: 'wordnet-256', ...hostile() };
    });
    const db2 = await MiniVectorDB.openInWorker(url2);
    expect((await db2.search(BIKE, { k: 1 }))[0]!.id).toBe('d0');
    await db2.close();
    assertUntouched();
  });

  test("in a worker too, locations come from the caller's options", async () => {
    const url = crafted(tinyBase, (e) => {
      e.model = 'test/tiny-bert';
      e.revision = 'main';
      e.config = { model: 'test/tiny-bert', ...hostile() };
      Object.assign(e, hostile());
    });
    const cacheDir = join(tmp.dir, 'trusted-cache-worker');
    const before = trusted.requests.length;
    const db = await MiniVectorDB.openInWorker(url, { embedder: { remoteHost: trusted.url, cacheDir } });
    expect((await db.search(DOCS[2]!, { k: 1 }))[0]!.id).toBe('d2');
    await db.close();
    assertUntouched();
    expect(trusted.requests.length).toBeGreaterThan(before);
    expect(readdirSync(cacheDir).length).toBeGreaterThan(0);
  });

  test('a mismatch in a worker arrives as an EmbedderMismatchError with its fields', async () => {
    const db = await MiniVectorDB.openInWorker(plant(tinyBase), { embedder: { modelPath: TINY_BERT, pooling: 'cls' } });
    const err = await caught(() => db.search('bike'), EmbedderMismatchError);
    expect(err.code).toBe('EMBEDDER_MISMATCH');
    expect(err.differences).toEqual(['pooling: "mean" recorded, "cls" supplied']);
    expect(err.recorded.model).toBe(TINY_BERT);
    await db.close();
  });
});
