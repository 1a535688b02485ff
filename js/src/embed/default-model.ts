/**
 * Locates the built-in default model, `wordnet-256` (static word vectors from
 * WordNet, built at set-up time by `scripts/model/build-default-model.mjs`
 * and shipped in the package as `dist/models/wordnet-256/`).
 *
 * - Browsers and bundlers: each file through
 *   `new URL('../models/wordnet-256/<file>', import.meta.url)`, a pattern
 *   Vite and webpack turn into emitted assets.
 * - Node: the same folder next to the package's `dist/embed/`, or, when
 *   running from a source checkout, `build/models/wordnet-256/`.
 */
import type { ModelLocation } from './model-loader.js';
import { hasModuleUrl, isNode } from '../platform.js';
import { ModelLoadError } from './errors.js';

/**
 * This module's URL, read apart from any `new URL(…, import.meta.url)`: for
 * Node-only paths, bundlers must not turn it into an emitted asset's public
 * path, and webpack's server builds (Next.js) set it to the package file.
 */
const thisModuleUrl = import.meta.url;

/** Name of the default model, accepted as `createEmbedder({ model: DEFAULT_TEXT_MODEL })`. */
export const DEFAULT_TEXT_MODEL = 'wordnet-256';

/** Dimension of the default model's vectors. */
export const DEFAULT_TEXT_MODEL_DIM = 256;

/** Per-file URLs of the packaged default model (one literal `new URL` each, for bundlers). */
function packagedFileUrls(): Record<string, URL> {
  return {
    'tokenizer.json': new URL('../models/wordnet-256/tokenizer.json', import.meta.url),
    'tokenizer_config.json': new URL('../models/wordnet-256/tokenizer_config.json', import.meta.url),
    'config.json': new URL('../models/wordnet-256/config.json', import.meta.url),
    'onnx/model.onnx': new URL('../models/wordnet-256/onnx/model.onnx', import.meta.url),
  };
}

/** Folders searched in Node, relative to this module: package layout, then source checkouts. */
const NODE_FOLDERS = ['../models/wordnet-256/', '../../build/models/wordnet-256/', '../../../build/models/wordnet-256/'];

/** Where the default model is. Throws ModelLoadError (in Node) when it has not been built. */
export async function defaultModelLocation(): Promise<ModelLocation> {
  // Cloudflare Workers give modules no URL; onnxruntime-web could not compile its .wasm there anyway.
  if (!hasModuleUrl(import.meta.url)) {
    throw new ModelLoadError(
      'tokenizer.json',
      String(import.meta.url),
      `the default model ${DEFAULT_TEXT_MODEL} cannot be located: this runtime gives modules no URL (as Cloudflare Workers do); pass your own embedder, or vectors`,
    );
  }
  if (!isNode()) return { kind: 'files', urls: packagedFileUrls() };
  // webpackIgnore: Node-only code; webpack's browser builds must not try to bundle node: builtins.
  const [{ existsSync }, { fileURLToPath }] = await Promise.all([import(/* webpackIgnore: true */ 'node:fs'), import(/* webpackIgnore: true */ 'node:url')]);
  const tried: string[] = [];
  for (const rel of NODE_FOLDERS) {
    const url = new URL(/* turbopackIgnore: true */ rel, thisModuleUrl);
    if (url.protocol !== 'file:') break;
    const dir = fileURLToPath(url);
    tried.push(dir);
    if (existsSync(new URL('tokenizer.json', url)) && existsSync(new URL('onnx/model.onnx', url))) return { kind: 'path', dir };
  }
  throw new ModelLoadError(
    'tokenizer.json',
    tried.join(', ') || String(import.meta.url),
    `the default model ${DEFAULT_TEXT_MODEL} is not there; build it with: node scripts/model/build-default-model.mjs (needs apt-get install wordnet-base wamerican), or pass modelPath`,
  );
}
