/**
 * Model resolution: where the files of a model are and where downloads are
 * kept. From the embedder options (`modelPath`, `modelUrl`, or a model id —
 * the built-in `wordnet-256` or a Hugging Face id searched under
 * `localModelPath`, then at `${remoteHost}/${id}/resolve/${revision}/`) to the
 * ordered places `model-loader.ts` reads from, the name the embedder reports,
 * and the options that find the model again; and the download cache (the
 * caller's, the Cache API in browsers, a folder in Node, or none).
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import { CacheApiModelCache, hasCacheApi } from './cache-browser.js';
import { DEFAULT_TEXT_MODEL, defaultModelLocation } from './default-model.js';
import type { ModelCache, OnnxEmbedderConfig, OnnxEmbedderOptions } from './embedder.js';
import { isNode } from '../platform.js';
import type { ModelCandidate, ModelLocation } from './model-loader.js';

/** A model found: the places to load it from (in order), its display name, and the options that find it again. */
export interface ResolvedModel {
  candidates: ModelCandidate[];
  model: string;
  config: OnnxEmbedderConfig;
}

/**
 * Where the model of `options` is: `modelPath` (Node), else `modelUrl`, else
 * `model` (default `wordnet-256`).
 * @throws InvalidArgumentError on an empty path or URL, a path outside Node, or a malformed model id or host.
 */
export async function resolveModel(options: OnnxEmbedderOptions): Promise<ResolvedModel> {
  if (options.modelPath !== undefined) {
    if (typeof options.modelPath !== 'string' || options.modelPath.length === 0) throw new InvalidArgumentError('modelPath must be a non-empty string');
    if (!isNode()) throw new InvalidArgumentError('modelPath is for Node.js; in browsers pass modelUrl');
    return { candidates: [{ location: { kind: 'path', dir: options.modelPath }, probe: false }], model: options.modelPath, config: { modelPath: options.modelPath } };
  }
  if (options.modelUrl !== undefined) {
    const href = String(options.modelUrl);
    if (href.length === 0) throw new InvalidArgumentError('modelUrl must be a non-empty URL');
    return { candidates: [{ location: locationOf(options.modelUrl), probe: false }], model: href, config: { modelUrl: href } };
  }
  const model = options.model ?? DEFAULT_TEXT_MODEL;
  if (typeof model !== 'string') throw new InvalidArgumentError(`model must be a string, got ${typeof model}`);
  if (model === DEFAULT_TEXT_MODEL) {
    // Packaged files: the page's HTTP cache (or the disk) already holds them; no second copy in the model cache.
    return { candidates: [{ location: await defaultModelLocation(), probe: false, cacheable: false }], model, config: { model } };
  }
  const revision = options.revision ?? 'main';
  return {
    candidates: candidatesForModelId(model, {
      localModelPath: options.localModelPath,
      remoteHost: options.remoteHost,
      revision,
      allowRemote: options.allowRemote,
    }),
    model,
    config: { model, revision },
  };
}

/**
 * The cache for downloads: the option's, or the platform default (a folder
 * in Node, the Cache API in browsers), or none.
 * @throws InvalidArgumentError when `cache` is neither a boolean nor an object with get(), put() and delete().
 */
export async function openModelCache(options: OnnxEmbedderOptions): Promise<ModelCache | undefined> {
  const c = options.cache ?? true;
  if (c === false) return undefined;
  if (c !== true) {
    if (typeof c !== 'object' || typeof c.get !== 'function' || typeof c.put !== 'function' || typeof c.delete !== 'function') {
      throw new InvalidArgumentError('cache must be true, false or an object with get(), put() and delete()');
    }
    return c;
  }
  if (isNode()) {
    const { FolderModelCache, defaultCacheDir } = await import('./cache-fs.js');
    return new FolderModelCache(options.cacheDir ?? defaultCacheDir());
  }
  if (hasCacheApi()) return new CacheApiModelCache(options.cacheName ?? 'minivectordb-models');
  return undefined;
}

/** Default host of model ids. */
export const DEFAULT_REMOTE_HOST = 'https://huggingface.co';

/**
 * The candidates for a Hugging Face model id: `${localModelPath}/${id}/`
 * (probed), then `${remoteHost}/${id}/resolve/${revision}/` when remote loading is allowed.
 */
export function candidatesForModelId(
  id: string,
  opts: { localModelPath?: string | undefined; remoteHost?: string | undefined; revision?: string | undefined; allowRemote?: boolean | undefined },
): ModelCandidate[] {
  if (!/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(id) || id.split('/').some((p) => p === '..' || p === '.')) {
    throw new InvalidArgumentError(`model must be a Hugging Face id like 'Xenova/all-MiniLM-L6-v2', got ${JSON.stringify(id)}`);
  }
  const out: ModelCandidate[] = [];
  if (opts.localModelPath !== undefined && opts.localModelPath !== '') {
    out.push({ location: locationOf(joinPath(opts.localModelPath, id)), probe: true });
  }
  if (opts.allowRemote !== false) {
    const host = (opts.remoteHost ?? DEFAULT_REMOTE_HOST).replace(/\/+$/, '');
    const revision = encodeURIComponent(opts.revision ?? 'main');
    let base: URL;
    try {
      base = new URL(`${host}/${id}/resolve/${revision}/`);
    } catch (cause) {
      throw new InvalidArgumentError(`remoteHost must be an absolute URL, got ${JSON.stringify(opts.remoteHost)}`, { cause });
    }
    out.push({ location: { kind: 'url', base }, probe: false });
  }
  if (out.length === 0) {
    throw new InvalidArgumentError(`model ${JSON.stringify(id)} cannot be loaded: allowRemote is false and no localModelPath is set`);
  }
  return out;
}

/**
 * A location from a folder path or URL: `http(s):` and relative URLs are
 * fetched; `file:` URLs and plain paths are read from disk in Node.
 */
export function locationOf(folder: string | URL): ModelLocation {
  const s = String(folder);
  if (/^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s)) {
    const url = new URL(s.endsWith('/') ? s : `${s}/`);
    if (url.protocol === 'file:' && isNode()) return { kind: 'path', dir: url };
    return { kind: 'url', base: url };
  }
  if (isNode()) return { kind: 'path', dir: s };
  // a relative URL in a page
  const here = (globalThis as { location?: { href: string } }).location?.href;
  return { kind: 'url', base: new URL(s.endsWith('/') ? s : `${s}/`, here) };
}

function joinPath(base: string, rel: string): string {
  return `${base.replace(/[\\/]+$/, '')}/${rel}`;
}
