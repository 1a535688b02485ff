/**
 * Reads the files of a model folder in the Hugging Face layout from the
 * places `model-resolve.ts` found: a local path (Node), a URL, or a per-file
 * URL map (the bundled default model in browsers), in order, skipping a
 * probed place that lacks the first file. Downloads are checked against
 * their Content-Length and handed back with a `commit()` that writes them to
 * the cache only once the caller has proved them usable (tokenizer and ONNX
 * session built), so nothing broken is cached.
 */
import pRetry from 'p-retry';
import { concatBytes } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DownloadProgress, ModelCache } from './embedder.js';
import { ModelLoadError } from './errors.js';

/** Where a model folder lives. */
export type ModelLocation =
  | { kind: 'path'; dir: string | URL }
  | { kind: 'url'; base: URL }
  | { kind: 'files'; urls: Readonly<Record<string, URL>> };

/** One place to look, in order; `probe` places are skipped when their first file is missing. */
export interface ModelCandidate {
  location: ModelLocation;
  /** True for `localModelPath`: a missing folder there means "try the next place". */
  probe: boolean;
  /** False to bypass the model cache for this place. @defaultValue true */
  cacheable?: boolean;
}

/** The files read and what to do with them afterwards. */
export interface LoadedModelFiles {
  /** Path or URL of the folder the files came from (for messages and `info`). */
  source: string;
  /** File name → bytes; optional files that do not exist are absent. */
  files: Map<string, Uint8Array>;
  /** Whether any file came from the cache. */
  fromCache: boolean;
  /** Stores the files downloaded by this load in the cache (no-op without cache). */
  commit(): Promise<void>;
  /** Removes this model's files from the cache (after cached bytes proved unusable). */
  evict(): Promise<void>;
}

export interface LoadRequest {
  candidates: readonly ModelCandidate[];
  /** Files that must exist, read in this order. The first is used to probe. */
  required: readonly string[];
  /** Files read when they exist. */
  optional: readonly string[];
  cache: ModelCache | undefined;
  logger: Logger;
  onProgress?: ((event: DownloadProgress) => void) | undefined;
  /** Stops downloads (and the retries' waits) with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Extra attempts of a download that failed for a passing reason. @defaultValue {@link DOWNLOAD_RETRIES} */
  retries?: number | undefined;
}

/** Extra attempts of a download after a network error, HTTP 408 / 429 / 5xx or an interrupted body. */
export const DOWNLOAD_RETRIES = 3;
/**
 * Waits between attempts: exponential backoff from {@link RETRY_MIN_MS},
 * doubling, capped at {@link RETRY_MAX_MS} (p-retry's `retry` timeouts,
 * randomised by up to 2x so many tabs do not retry in step).
 */
export const RETRY_MIN_MS = 500;
export const RETRY_MAX_MS = 8000;

/** True for a failed download worth another attempt: the server or the network may do better next time. */
function isTransient(e: unknown): boolean {
  if (!(e instanceof ModelLoadError)) return false;
  const { status } = e;
  if (status === undefined) return e.transient;
  return status === 408 || status === 429 || status >= 500;
}

/** Human-readable form of a location. */
export function describeLocation(loc: ModelLocation): string {
  if (loc.kind === 'path') return String(loc.dir);
  if (loc.kind === 'url') return loc.base.href;
  return Object.values(loc.urls)[0]?.href.replace(/[^/]*$/, '') ?? '(files)';
}

/** Reads the requested files from the first candidate that has them. */
export async function loadModelFiles(req: LoadRequest): Promise<LoadedModelFiles> {
  const [first] = req.required;
  if (first === undefined) throw new InvalidArgumentError('loadModelFiles: no required file');
  let lastMissing: ModelLoadError | undefined;
  for (const cand of req.candidates) {
    const source = describeLocation(cand.location);
    const reader = new FolderReader(cand.location, cand.cacheable === false ? { ...req, cache: undefined } : req);
    if (cand.probe) {
      const probe = await reader.read(first, true);
      if (probe === undefined) {
        req.logger.debug(`model: ${first} not under ${source}; trying the next place`);
        lastMissing = new ModelLoadError(first, source, 'not found');
        continue;
      }
    }
    for (const name of req.required) await reader.read(name, false);
    for (const name of req.optional) await reader.read(name, true);
    req.logger.debug(`model: loaded ${reader.files.size} files from ${source}${reader.fromCache ? ' (cache)' : ''}`);
    return {
      source,
      files: reader.files,
      fromCache: reader.fromCache,
      commit: () => reader.commit(),
      evict: () => reader.evict(),
    };
  }
  throw lastMissing ?? new ModelLoadError(first, '(nowhere)', 'no place to load the model from');
}

/**
 * After a load that failed on files read from the cache: removes them, so the
 * next load downloads them again (the caller then rethrows `error`).
 */
export async function evictUnusable(loaded: LoadedModelFiles, error: unknown, logger: Logger): Promise<void> {
  if (loaded.fromCache && error instanceof ModelLoadError) {
    logger.warn('model files from the cache are unusable; removing them so the next load downloads them again');
    await loaded.evict();
  }
}

/**
 * A JSON object file of the load (`tokenizer.json`, `config.json`…); `{}`
 * when `name` is optional and absent.
 * @throws ModelLoadError when the bytes are not JSON or not an object.
 */
export function readJsonFile(loaded: LoadedModelFiles, name: string): Record<string, unknown> {
  const bytes = loaded.files.get(name);
  if (bytes === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new ModelLoadError(name, loaded.source, `not valid JSON (${bytes.length} bytes; truncated?): ${String(cause)}`, { cause });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ModelLoadError(name, loaded.source, 'expected a JSON object');
  return v as Record<string, unknown>;
}

/** Reads files of one location, remembering downloads for commit(). */
class FolderReader {
  readonly files = new Map<string, Uint8Array>();
  fromCache = false;
  private readonly pending: Array<[string, Uint8Array]> = [];
  private readonly cachedKeys: string[] = [];

  constructor(
    private readonly loc: ModelLocation,
    private readonly req: LoadRequest,
  ) {}

  /** Bytes of `name`, or undefined when `optional` and missing. Throws ModelLoadError otherwise. */
  async read(name: string, optional: boolean): Promise<Uint8Array | undefined> {
    // Before each file, from a folder and the cache too (not only downloads): an aborted load reads nothing more.
    if (this.req.signal?.aborted === true) throw this.req.signal.reason;
    const have = this.files.get(name);
    if (have !== undefined) return have;
    const bytes = this.loc.kind === 'path' ? await this.readPath(name, optional) : await this.readUrl(name, optional);
    if (bytes !== undefined) this.files.set(name, bytes);
    return bytes;
  }

  private async readPath(name: string, optional: boolean): Promise<Uint8Array | undefined> {
    // webpackIgnore: Node-only code; webpack's browser builds must not try to bundle node: builtins.
    const [{ readFile }, { join }, { fileURLToPath }] = await Promise.all([import(/* webpackIgnore: true */ 'node:fs/promises'), import(/* webpackIgnore: true */ 'node:path'), import(/* webpackIgnore: true */ 'node:url')]);
    const where = (this.loc as { dir: string | URL }).dir;
    const dir = typeof where === 'string' ? where : fileURLToPath(where);
    const path = join(dir, ...name.split('/'));
    try {
      const buf = await readFile(path);
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      this.progress(name, bytes.length, bytes.length, true, true);
      return bytes;
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && optional) return undefined;
      throw new ModelLoadError(name, dir, code === 'ENOENT' ? 'no such file' : String(cause), { cause });
    }
  }

  private urlOf(name: string): URL {
    if (this.loc.kind === 'files') {
      const u = this.loc.urls[name];
      if (u === undefined) throw new ModelLoadError(name, describeLocation(this.loc), 'not part of this model');
      return u;
    }
    return new URL(name.split('/').map(encodeURIComponent).join('/'), (this.loc as { base: URL }).base);
  }

  private async readUrl(name: string, optional: boolean): Promise<Uint8Array | undefined> {
    if (optional && this.loc.kind === 'files' && this.loc.urls[name] === undefined) return undefined;
    const url = this.urlOf(name);
    const key = url.href;
    const cache = this.req.cache;
    if (cache !== undefined) {
      let hit: Uint8Array | undefined;
      try {
        hit = await cache.get(key);
      } catch (cause) {
        this.req.logger.warn(`model cache: cannot read ${key}: ${String(cause)}`);
      }
      if (hit !== undefined) {
        this.fromCache = true;
        this.cachedKeys.push(key);
        this.progress(name, hit.length, hit.length, true, true);
        return hit;
      }
    }
    const { signal, logger } = this.req;
    const retries = this.req.retries ?? DOWNLOAD_RETRIES;
    const bytes = await pRetry(() => this.download(name, key, url, optional), {
      retries,
      minTimeout: RETRY_MIN_MS,
      maxTimeout: RETRY_MAX_MS,
      factor: 2,
      randomize: true,
      ...(signal === undefined ? {} : { signal }),
      shouldRetry: ({ error }) => isTransient(error),
      onFailedAttempt: ({ error, retriesLeft }) => {
        if (isTransient(error) && retriesLeft > 0) logger.warn(`model: ${error.message}; retrying (${retriesLeft} attempts left)`);
      },
    }).catch((e: unknown) => {
      // An abort while waiting between attempts rejects with the signal's reason, as fetch does.
      if (signal?.aborted === true) throw signal.reason;
      throw e;
    });
    if (bytes !== undefined && cache !== undefined) this.pending.push([key, bytes]);
    return bytes;
  }

  /** One attempt at `url`: its bytes, or undefined for an optional file the server does not have. */
  private async download(name: string, key: string, url: URL, optional: boolean): Promise<Uint8Array | undefined> {
    const { signal } = this.req;
    let res: Response;
    try {
      res = await fetch(url, signal === undefined ? undefined : { signal });
    } catch (cause) {
      if (signal?.aborted === true) throw signal.reason;
      throw new ModelLoadError(name, key, `network error: ${errorText(cause)}`, { cause, transient: true });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      if (optional && (res.status === 404 || res.status === 410)) return undefined;
      const what = res.status === 404 ? 'not found (HTTP 404)' : `HTTP ${res.status} ${res.statusText}`.trim();
      throw new ModelLoadError(name, key, what, { status: res.status });
    }
    return this.readBody(name, key, res);
  }

  /** The whole body; checks the byte count against Content-Length (unless the transfer was compressed). */
  private async readBody(name: string, key: string, res: Response): Promise<Uint8Array> {
    const encoding = res.headers.get('content-encoding');
    const lengthHeader = res.headers.get('content-length');
    const expected =
      (encoding === null || encoding === 'identity') && lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    try {
      if (res.body === null) {
        const all = new Uint8Array(await res.arrayBuffer());
        chunks.push(all);
        loaded = all.length;
      } else {
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          loaded += value.length;
          if (expected !== undefined && loaded > expected) break;
          this.progress(name, loaded, expected, false, false);
        }
      }
    } catch (cause) {
      if (this.req.signal?.aborted === true) throw this.req.signal.reason;
      const of = expected !== undefined ? ` of ${expected}` : '';
      throw new ModelLoadError(name, key, `download interrupted after ${loaded}${of} bytes: ${errorText(cause)}`, { cause, transient: true });
    }
    if (expected !== undefined && loaded !== expected) {
      throw new ModelLoadError(name, key, `truncated or oversized download: received ${loaded} bytes, Content-Length says ${expected}`, { transient: loaded < expected });
    }
    const out = concatBytes(chunks, loaded);
    this.progress(name, loaded, expected ?? loaded, false, true);
    return out;
  }

  private progress(file: string, loaded: number, total: number | undefined, cached: boolean, done: boolean): void {
    const cb = this.req.onProgress;
    if (cb === undefined) return;
    try {
      cb({ phase: 'download', file, loaded, total, cached, done });
    } catch (cause) {
      this.req.logger.warn(`onProgress threw: ${String(cause)}`);
    }
  }

  async commit(): Promise<void> {
    const cache = this.req.cache;
    if (cache === undefined) return;
    for (const [key, bytes] of this.pending.splice(0)) {
      try {
        await cache.put(key, bytes);
        this.req.logger.debug(`model cache: stored ${key} (${bytes.length} bytes)`);
      } catch (cause) {
        // A cache that cannot be written costs a download next time, nothing more.
        this.req.logger.warn(`model cache: cannot store ${key}: ${String(cause)}`);
      }
    }
  }

  async evict(): Promise<void> {
    const cache = this.req.cache;
    if (cache === undefined) return;
    for (const key of this.cachedKeys.splice(0)) {
      await cache.delete(key).catch((cause: unknown) => this.req.logger.warn(`model cache: cannot delete ${key}: ${String(cause)}`));
    }
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}
