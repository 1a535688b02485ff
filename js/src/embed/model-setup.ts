/**
 * The set-up the two ONNX embedders (`OnnxEmbedder`, `ClipEmbedder`) share:
 * from options to the files of a model folder (`model-resolve.ts`, cache,
 * `model-loader.ts`), the tokenizer and its token limit, keeping downloads
 * only once everything built from them works (and evicting cached files that
 * do not), and the `info` an embedder reports. The sessions themselves are
 * made by `ort-session.ts` (`openSession`).
 * @internal
 */
import type { Logger } from '../logger.js';
import { modelDigest } from './digest.js';
import type { EmbedderInfo, OnnxEmbedderConfig, OnnxEmbedderOptions } from './embedder.js';
import { evictUnusable, loadModelFiles, readJsonFile, type LoadedModelFiles } from './model-loader.js';
import { openModelCache, resolveModel } from './model-resolve.js';
import { chooseMaxLength, loadTokenizer, TextEncoding } from './text-encoding.js';

/** A model folder read: its files, and how the embedder names and finds it again. */
export interface ModelFolder {
  loaded: LoadedModelFiles;
  /** The name the embedder reports (`info.model`). */
  model: string;
  /** The options that find it again (part of `info.config`). */
  config: OnnxEmbedderConfig;
}

/**
 * Resolves where the model of `options` is, opens the download cache and
 * reads the `required` and (when present) `optional` files.
 * @throws ModelLoadError when a required file is missing or a download fails; InvalidArgumentError on bad locations.
 */
export async function openModelFolder(options: OnnxEmbedderOptions, logger: Logger, required: readonly string[], optional: readonly string[]): Promise<ModelFolder> {
  const { candidates, model, config } = await resolveModel(options);
  const cache = await openModelCache(options);
  const loaded = await loadModelFiles({
    candidates,
    required,
    optional,
    cache,
    logger,
    onProgress: options.onProgress,
    signal: options.signal,
    retries: options.retries,
  });
  return { loaded, model, config };
}

/**
 * Builds the embedder from the files read. `build` calls `commit()` once
 * everything it made from the files works: that keeps the downloads in the
 * cache and returns the files' digest (`info.digest`). When `build` throws,
 * files that came from the cache are evicted (on a `ModelLoadError`: they are
 * unusable) and the error is rethrown.
 */
export async function buildFromFolder<T>(folder: ModelFolder, logger: Logger, build: (commit: () => Promise<string | undefined>) => Promise<T>): Promise<T> {
  try {
    return await build(async () => {
      const digest = await modelDigest(folder.loaded.files);
      // Every file proved usable: now (and only now) keep the downloads.
      await folder.loaded.commit();
      return digest;
    });
  } catch (e) {
    await evictUnusable(folder.loaded, e, logger);
    throw e;
  }
}

/**
 * The text encoding of the folder: the tokenizer of `tokenizer.json` (and
 * `tokenizer_config.json`), truncating to the smaller of `requestedMaxLength`
 * and the model's limit (`limits`: the part of config.json that has
 * `max_position_embeddings`; see {@link chooseMaxLength}).
 * @throws ModelLoadError when the tokenizer files are unusable; InvalidArgumentError when the limit leaves no room for text.
 */
export async function loadTextEncoding(loaded: LoadedModelFiles, requestedMaxLength: number | undefined, limits: Record<string, unknown>): Promise<TextEncoding> {
  const tokenizerJson = readJsonFile(loaded, 'tokenizer.json');
  const tokenizerConfig = readJsonFile(loaded, 'tokenizer_config.json');
  const tokenizer = await loadTokenizer(tokenizerJson, tokenizerConfig, loaded.source);
  return new TextEncoding(tokenizer, tokenizerJson, tokenizerConfig, chooseMaxLength(requestedMaxLength, tokenizerConfig, limits));
}

/**
 * `info` of an embedder (without `dim`, which the session tells): the model's
 * name and revision (from `folder`), the file that runs, pooling,
 * normalisation, token limit, digest, and `config`: the options that
 * recreate it (`folder.config` and the embedder's settings).
 */
export function describeEmbedder(
  kind: 'onnx' | 'clip',
  folder: ModelFolder,
  facts: Pick<EmbedderInfo, 'modelFile' | 'pooling' | 'normalize' | 'maxLength'> & { digest: string | undefined },
  config: NonNullable<EmbedderInfo['config']>,
): Omit<EmbedderInfo, 'dim'> {
  const { revision } = folder.config;
  return {
    kind,
    model: folder.model,
    ...(revision !== undefined ? { revision } : {}),
    modelFile: facts.modelFile,
    pooling: facts.pooling,
    normalize: facts.normalize,
    maxLength: facts.maxLength,
    ...(facts.digest !== undefined ? { digest: facts.digest } : {}),
    config,
  };
}
