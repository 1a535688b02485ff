/**
 * The checks of {@link OnnxEmbedderOptions} that need no file: known keys,
 * types and ranges, the defaults applied. Where the model is (`model`,
 * `modelPath`, `modelUrl`, `cache`) is checked by `model-resolve.ts` as it
 * resolves them.
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import { gateLogger, type Logger } from '../logger.js';
import { checkBoolean, checkInt, checkKnownKeys, checkObject } from '../check.js';
import { modelFileOfDtype } from './dtype.js';
import type { EmbedBackend, EmbedDevice, OnnxEmbedderOptions, Pooling } from './embedder.js';
import { MAX_SEQUENCE } from './text-encoding.js';

const OPTION_KEYS: readonly (keyof OnnxEmbedderOptions)[] = [
  'model',
  'modelPath',
  'modelUrl',
  'revision',
  'remoteHost',
  'localModelPath',
  'allowRemote',
  'quantized',
  'dtype',
  'modelFile',
  'cache',
  'cacheDir',
  'cacheName',
  'pooling',
  'normalize',
  'maxLength',
  'batchSize',
  'onProgress',
  'signal',
  'retries',
  'wasm',
  'device',
  'backend',
  'logger',
  'logLevel',
];

/** Largest `batchSize` (texts per model run). */
export const MAX_BATCH = 4096;

/** The checked options with their defaults. */
export interface OnnxSettings {
  logger: Logger;
  pooling: Pooling;
  normalize: boolean;
  batchSize: number;
  /** As given (the model's own limit applies when absent or smaller). */
  maxLength: number | undefined;
  /** The ONNX file inside the model folder. */
  modelFile: string;
  /** The backend asked for (`webgpu` may still fall back to `wasm`). */
  device: EmbedDevice;
  /** The onnxruntime asked for on the CPU (`auto`: native when it imports in Node). */
  backend: EmbedBackend;
}

/**
 * Checks `options` and applies the defaults.
 * @throws InvalidArgumentError on an unknown key, a wrong type or an out-of-range value.
 */
export function readOnnxOptions(options: OnnxEmbedderOptions): OnnxSettings {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('embedder options must be an object');
  checkKnownKeys(options, OPTION_KEYS, 'embedder options');
  const logger = gateLogger(options.logger, options.logLevel);
  const pooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'cls') throw new InvalidArgumentError(`pooling must be 'mean' or 'cls', got ${JSON.stringify(pooling)}`);
  const normalize = options.normalize ?? true;
  const batchSize = checkInt(options.batchSize ?? 32, 'batchSize', 1, MAX_BATCH);
  if (options.maxLength !== undefined) checkInt(options.maxLength, 'maxLength', 1, MAX_SEQUENCE);
  if (options.retries !== undefined) checkInt(options.retries, 'retries', 0, 10);
  if (options.signal !== undefined && !(typeof AbortSignal !== 'undefined' && options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError('signal must be an AbortSignal');
  }
  if (options.wasm !== undefined) {
    checkObject(options.wasm, 'wasm');
    checkKnownKeys(options.wasm, ['numThreads', 'wasmPaths'], 'wasm options');
    if (options.wasm.numThreads !== undefined) checkInt(options.wasm.numThreads, 'wasm.numThreads', 1, 64);
  }
  const modelFile = chooseModelFile(options);
  if (typeof modelFile !== 'string' || !modelFile.split('/').every((part) => /^[\w.-]+$/.test(part) && part !== '.' && part !== '..')) {
    throw new InvalidArgumentError(`modelFile must be a relative path inside the model folder, got ${JSON.stringify(modelFile)}`);
  }
  const device = options.device ?? 'wasm';
  if (device !== 'wasm' && device !== 'webgpu') throw new InvalidArgumentError(`device must be 'wasm' or 'webgpu', got ${JSON.stringify(device)}`);
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'wasm' && backend !== 'native') throw new InvalidArgumentError(`backend must be 'auto', 'wasm' or 'native', got ${JSON.stringify(backend)}`);
  return { logger, pooling, normalize, batchSize, maxLength: options.maxLength, modelFile, device, backend };
}

/**
 * The ONNX file: `modelFile` as given, else the file of `dtype`, else of
 * `quantized` (`true` is `dtype: 'q8'`), else `onnx/model.onnx`. Two of the
 * three together are ambiguous and rejected.
 */
function chooseModelFile(options: OnnxEmbedderOptions): string {
  const quantized = checkBoolean(options.quantized, 'quantized', false);
  const given = (['modelFile', 'dtype', 'quantized'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new InvalidArgumentError(`give only one of modelFile, dtype and quantized (got ${given.join(' and ')})`);
  if (options.modelFile !== undefined) return options.modelFile;
  return modelFileOfDtype(options.dtype ?? (quantized ? 'q8' : 'fp32'));
}
