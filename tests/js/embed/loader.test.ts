// Model loading for real over HTTP: a Hugging Face-like server on 127.0.0.1
// serves the tiny BERT folder; downloads, the Node folder cache, 404s,
// interrupted and truncated files, bad JSON, redirects, localModelPath,
// revisions and quantized files. Nothing broken may ever land in the cache.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDBError, StorageError } from '../../../js/src/errors.js';
import { FolderModelCache } from '../../../js/src/embed/cache-fs.js';
import { ModelLoadError, OnnxEmbedder, type DownloadProgress, type ModelCache } from '../../../js/src/embed/index.js';
import { listFiles, maxDiff, startModelServer, tempDir, TINY_BERT, tinyReference, type Behaviour, type ModelServer } from './helpers.js';

const ref = tinyReference();
const FILES = ['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json'];

/** Per-model answers of the server (see Behaviour in helpers.ts). */
const BEHAVIOUR: Record<string, (file: string) => Behaviour> = {
  'test/tiny': () => 'serve',
  'test/cut': (f) => (f === 'onnx/model.onnx' ? 'cut' : 'serve'),
  'test/short-onnx': (f) => (f === 'onnx/model.onnx' ? 'short' : 'serve'),
  'test/short-json': (f) => (f === 'tokenizer.json' ? 'short' : 'serve'),
  'test/redirect': () => 'redirect',
  'test/chunked': () => 'chunked',
  'test/bare': (f) => (f === 'config.json' || f === 'tokenizer_config.json' ? 'missing' : 'serve'),
  'test/quantized': (f) => (f === 'onnx/model.onnx' ? 'missing' : 'serve'),
  'test/flaky': (f) => (f === 'onnx/model.onnx' ? 'error' : 'serve'),
  // Fails the first two attempts at the ONNX file (500, then a cut connection), then serves it.
  'test/recovers': (f) => (f === 'onnx/model.onnx' ? (['error', 'cut'][attempts('test/recovers', f) - 1] as Behaviour | undefined) ?? 'serve' : 'serve'),
};

/** How many times the server has been asked for `file` of `model` since the test began (this request included). */
function attempts(model: string, file: string): number {
  return server.requests.filter((p) => p === `/${model}/resolve/main/${file}`).length;
}

let server: ModelServer;
let tmp: { path: string; remove: () => void };
let cacheDir: string;

beforeAll(async () => {
  const models = Object.fromEntries(Object.keys(BEHAVIOUR).map((m) => [m, TINY_BERT]));
  server = await startModelServer(
    models,
    (model, file) => BEHAVIOUR[model]!(file),
    (model, file) => (model === 'test/quantized' && file === 'onnx/model_quantized.onnx' ? 'onnx/model.onnx' : file),
  );
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  tmp = tempDir('loader');
  cacheDir = join(tmp.path, 'cache');
  server.requests.length = 0;
});
afterEach(() => tmp.remove());

const create = (model: string, extra: Parameters<typeof OnnxEmbedder.create>[0] = {}) =>
  OnnxEmbedder.create({ model, remoteHost: server.url, cacheDir, ...extra });

async function expectMatchesReference(e: OnnxEmbedder): Promise<void> {
  const out = await e.embed(ref.cases.map((c) => c.text));
  ref.cases.forEach((c, i) => expect(maxDiff(out[i]!, c.mean), c.text).toBeLessThan(1e-4));
}

const cached = (model: string) => listFiles(join(cacheDir, new URL(server.url).host.replace(':', '_'), ...model.split('/'), 'resolve', 'main'));

describe('download from remoteHost', () => {
  test('resolves <host>/<model>/resolve/main/<file>, caches every file, then loads offline from the cache', async () => {
    const events: DownloadProgress[] = [];
    const e = await create('test/tiny', { onProgress: (p) => events.push(p) });
    await expectMatchesReference(e);
    await e.dispose();
    expect(server.requests.sort()).toEqual(FILES.map((f) => `/test/tiny/resolve/main/${f}`).sort());
    expect(cached('test/tiny')).toEqual(FILES);
    expect(listFiles(cacheDir).some((f) => f.endsWith('.tmp'))).toBe(false);

    // progress: bytes per file, a last event with done and loaded === total
    for (const f of FILES) {
      const mine = events.filter((p) => p.file === f);
      const last = mine[mine.length - 1]!;
      expect(last).toMatchObject({ phase: 'download', done: true, cached: false });
      expect(last.loaded).toBe(last.total);
      expect(mine.every((p, i) => i === 0 || p.loaded >= mine[i - 1]!.loaded)).toBe(true);
    }

    // second load: no request at all, progress says cached
    server.requests.length = 0;
    const again: DownloadProgress[] = [];
    const e2 = await create('test/tiny', { onProgress: (p) => again.push(p) });
    await expectMatchesReference(e2);
    await e2.dispose();
    expect(server.requests).toEqual([]);
    expect(again.every((p) => p.cached && p.done)).toBe(true);
  });

  test('revision goes into the URL path', async () => {
    const e = await create('test/tiny', { revision: 'v1.0', cache: false });
    await e.dispose();
    expect(server.requests.every((r) => r.startsWith('/test/tiny/resolve/v1.0/'))).toBe(true);
    expect(e.info.config).toMatchObject({ model: 'test/tiny', revision: 'v1.0' });
    expect(listFiles(cacheDir)).toEqual([]);
  });

  test('redirects are followed (the hub sends large files to a CDN)', async () => {
    const e = await create('test/redirect');
    await expectMatchesReference(e);
    await e.dispose();
    expect(server.requests.filter((r) => r.startsWith('/cdn/'))).toHaveLength(4);
  });

  test('a body without Content-Length is accepted; progress total is unknown until the end', async () => {
    const events: DownloadProgress[] = [];
    const e = await create('test/chunked', { onProgress: (p) => events.push(p) });
    await expectMatchesReference(e);
    await e.dispose();
    const onnx = events.filter((p) => p.file === 'onnx/model.onnx');
    expect(onnx.slice(0, -1).every((p) => p.total === undefined)).toBe(true);
    expect(onnx[onnx.length - 1]!.total).toBe(onnx[onnx.length - 1]!.loaded);
  });

  test('quantized: true loads onnx/model_quantized.onnx', async () => {
    const e = await create('test/quantized', { quantized: true });
    await expectMatchesReference(e);
    expect(e.info.modelFile).toBe('onnx/model_quantized.onnx');
    await e.dispose();
    expect(server.requests).toContain('/test/quantized/resolve/main/onnx/model_quantized.onnx');
    expect(server.requests).not.toContain('/test/quantized/resolve/main/onnx/model.onnx');
  });

  test('missing tokenizer_config.json and config.json: defaults (max length 512)', async () => {
    const e = await create('test/bare');
    expect(e.info.maxLength).toBe(512);
    expect(e.dim).toBe(16);
    const out = await e.embed([ref.cases[0]!.text]);
    expect(maxDiff(out[0]!, ref.cases[0]!.mean)).toBeLessThan(1e-4);
    await e.dispose();
  });

  test('modelUrl: any folder URL', async () => {
    const e = await OnnxEmbedder.create({ modelUrl: `${server.url}/test/tiny/resolve/main`, cacheDir });
    await expectMatchesReference(e);
    expect(e.info.config).toMatchObject({ modelUrl: `${server.url}/test/tiny/resolve/main` });
    await e.dispose();
  });
});

/** The ModelLoadError `p` rejects with (a StorageError and a MiniVectorDBError too). */
async function failure(p: Promise<unknown>): Promise<ModelLoadError> {
  const err = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(err).toBeInstanceOf(ModelLoadError);
  expect(err).toBeInstanceOf(StorageError);
  expect(err).toBeInstanceOf(MiniVectorDBError);
  expect((err as ModelLoadError).code).toBe('STORAGE');
  expect(listFiles(cacheDir)).toEqual([]);
  return err as ModelLoadError;
}

describe('failures are clear and never cached', () => {
  test('404: names the file, the URL and the status', async () => {
    const err = await failure(create('test/does-not-exist'));
    expect(err.status).toBe(404);
    expect(err.file).toBe('tokenizer.json');
    expect(err.message).toContain(`${server.url}/test/does-not-exist/resolve/main/tokenizer.json`);
    expect(err.message).toContain('HTTP 404');
  });

  test('HTTP 500', async () => {
    const err = await failure(create('test/flaky', { retries: 0 }));
    expect(err.status).toBe(500);
    expect(err.file).toBe('onnx/model.onnx');
  });

  test('connection cut mid-file (Content-Length not reached): interrupted, and the files before it are not cached either', async () => {
    const err = await failure(create('test/cut', { retries: 0 }));
    expect(err.file).toBe('onnx/model.onnx');
    expect(err.message).toMatch(/interrupted|truncated/);
  });

  test('a truncated ONNX file served with a matching Content-Length: onnxruntime rejects it', async () => {
    const err = await failure(create('test/short-onnx'));
    expect(err.file).toBe('onnx/model.onnx');
    expect(err.message).toContain('onnxruntime cannot load it');
  });

  test('a truncated tokenizer.json: not valid JSON', async () => {
    const err = await failure(create('test/short-json'));
    expect(err.file).toBe('tokenizer.json');
    expect(err.message).toContain('not valid JSON');
  });

  test('no server at all: network error', async () => {
    const err = await failure(OnnxEmbedder.create({ model: 'test/tiny', remoteHost: 'http://127.0.0.1:9', cacheDir, retries: 0 }));
    expect(err.message).toContain('network error');
  });

  test('a broken file in the cache is evicted, and the next load downloads it again', async () => {
    const cache = new FolderModelCache(cacheDir);
    const base = `${server.url}/test/tiny/resolve/main/`;
    const good = await create('test/tiny');
    await good.dispose();
    // corrupt the cached ONNX file (as a failing disk might)
    writeFileSync(cache.pathOf(`${base}onnx/model.onnx`), 'not an onnx model');
    server.requests.length = 0;
    await expect(create('test/tiny')).rejects.toBeInstanceOf(ModelLoadError);
    expect(await cache.get(`${base}onnx/model.onnx`)).toBeUndefined();
    const again = await create('test/tiny');
    await expectMatchesReference(again);
    await again.dispose();
    expect(server.requests).toContain('/test/tiny/resolve/main/onnx/model.onnx');
  });
});

describe('where models come from', () => {
  test('localModelPath is searched first; no request is made', async () => {
    const local = join(tmp.path, 'models');
    cpSync(TINY_BERT, join(local, 'test', 'tiny'), { recursive: true });
    const e = await create('test/tiny', { localModelPath: local });
    await expectMatchesReference(e);
    await e.dispose();
    expect(server.requests).toEqual([]);
    expect(listFiles(cacheDir)).toEqual([]); // local files are not cached
  });

  test('a model missing under localModelPath falls back to the remote host', async () => {
    mkdirSync(join(tmp.path, 'models'));
    const e = await create('test/tiny', { localModelPath: join(tmp.path, 'models') });
    await e.dispose();
    expect(server.requests.length).toBeGreaterThan(0);
  });

  test('allowRemote: false', async () => {
    mkdirSync(join(tmp.path, 'models'));
    await expect(create('test/tiny', { allowRemote: false })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(create('test/tiny', { allowRemote: false, localModelPath: join(tmp.path, 'models') })).rejects.toBeInstanceOf(ModelLoadError);
    expect(server.requests).toEqual([]);
  });

  test('model ids are checked', async () => {
    for (const bad of ['../etc', 'a/../b', 'a/b/c', '', 'x y']) {
      await expect(create(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });

  test('a local folder that lacks the ONNX file', async () => {
    const dir = join(tmp.path, 'half');
    cpSync(join(TINY_BERT, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const err = await OnnxEmbedder.create({ modelPath: dir }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).file).toBe('onnx/model.onnx');
    expect((err as ModelLoadError).message).toContain('no such file');
  });

  test('cache: false downloads every time and writes nothing', async () => {
    for (let i = 0; i < 2; i++) {
      const e = await create('test/tiny', { cache: false });
      await e.dispose();
    }
    expect(server.requests).toHaveLength(8);
    expect(listFiles(tmp.path)).toEqual([]);
  });

  test('a custom cache receives the files only after they proved usable', async () => {
    const store = new Map<string, Uint8Array>();
    const custom: ModelCache = {
      get: async (k) => store.get(k),
      put: async (k, v) => void store.set(k, v),
      delete: async (k) => void store.delete(k),
    };
    await expect(create('test/short-onnx', { cache: custom })).rejects.toBeInstanceOf(ModelLoadError);
    expect(store.size).toBe(0);
    const e = await create('test/tiny', { cache: custom });
    await e.dispose();
    expect([...store.keys()].sort()).toEqual(FILES.map((f) => `${server.url}/test/tiny/resolve/main/${f}`).sort());
  });
});

describe('FolderModelCache', () => {
  test('round trip, atomic writes, paths stay inside the folder', async () => {
    const c = new FolderModelCache(cacheDir);
    const key = 'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx';
    expect(c.pathOf(key)).toBe(join(cacheDir, 'huggingface.co', 'Xenova', 'all-MiniLM-L6-v2', 'resolve', 'main', 'onnx', 'model.onnx'));
    expect(await c.get(key)).toBeUndefined();
    await c.put(key, new Uint8Array([1, 2, 3]));
    expect(Array.from((await c.get(key))!)).toEqual([1, 2, 3]);
    expect(listFiles(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await c.delete(key);
    await c.delete(key);
    expect(await c.get(key)).toBeUndefined();
    for (const evil of ['http://h/a/%2e%2e/%2e%2e/x', 'http://h/..%2f..%2fx', 'not a url/../../x']) {
      expect(c.pathOf(evil).startsWith(cacheDir + '/')).toBe(true);
      expect(c.pathOf(evil).split('/')).not.toContain('..');
    }
  });
});

describe('retries with backoff, and cancelling a load', () => {
  const modelFile = (model: string) => `/${model}/resolve/main/onnx/model.onnx`;

  test('a 500 and a cut connection are retried: the third attempt loads a working model', async () => {
    const e = await create('test/recovers');
    try {
      await expectMatchesReference(e);
    } finally {
      await e.dispose();
    }
    expect(server.requests.filter((p) => p === modelFile('test/recovers'))).toHaveLength(3);
  });

  test('with retries: 0 the first failure is final', async () => {
    const err = await failure(create('test/recovers', { retries: 0 }));
    expect(err.status).toBe(500);
    expect(server.requests.filter((p) => p === modelFile('test/recovers'))).toHaveLength(1);
  });

  test('a server that keeps failing is asked 1 + retries times, then the last error is reported', async () => {
    const err = await failure(create('test/flaky', { retries: 2 }));
    expect(err.status).toBe(500);
    expect(err.transient).toBe(false); // the status decides, not the flag
    expect(server.requests.filter((p) => p === modelFile('test/flaky'))).toHaveLength(3);
  });

  test('404 is not retried', async () => {
    await failure(create('test/does-not-exist', { retries: 3 }));
    expect(server.requests).toHaveLength(1);
  });

  test('an abort during the wait between attempts rejects at once with the reason, and caches nothing', async () => {
    const controller = new AbortController();
    const reason = new Error('user left the page');
    const t0 = performance.now();
    const loading = create('test/flaky', { retries: 10, signal: controller.signal });
    // Abort once the first attempt has failed (the loader is then waiting to retry).
    while (server.requests.filter((p) => p === modelFile('test/flaky')).length < 1) await new Promise((r) => setTimeout(r, 5));
    controller.abort(reason);
    await expect(loading).rejects.toBe(reason);
    expect(performance.now() - t0).toBeLessThan(5000); // 10 retries with backoff would take over a minute
    expect(server.requests.filter((p) => p === modelFile('test/flaky')).length).toBeLessThan(3);
    expect(cached('test/flaky')).toEqual([]);
  });

  test('a signal aborted before the load starts fetches nothing', async () => {
    await expect(create('test/tiny', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toEqual([]);
  });

  test('retries and signal are checked', async () => {
    await expect(create('test/tiny', { retries: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(create('test/tiny', { retries: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(create('test/tiny', { signal: {} as AbortSignal })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
