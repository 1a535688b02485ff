/**
 * Reading the options of `create()` and `open()`: known keys, types and
 * shapes, each option read once. Ranges of the index configuration (dim, M,
 * efConstruction, efSearch, rerank) are the core's rule (`ValidateConfig`,
 * whose message names the field): they are not restated here.
 * @internal
 */
import { checkBoolean, checkInt, describe, readOptions } from '../check.js';
import type { EmbedderConfig } from '../embed/index.js';
import { InvalidArgumentError } from '../errors.js';
import { checkTextIndexOption, type TextIndexSettings } from '../lexical/text-index.js';
import { gateLogger, type Logger } from '../logger.js';
import type { CreateOptions, OpenOptions, WasmSource } from '../option-types.js';
import type { CoreConfig } from '../wasm/core-index.js';
import { MAX_BUILD_THREADS } from '../wasm/load-threads.js';
import type { Durability } from './journal.js';
import { checkSignal } from './abort.js';
import { guardProgress } from './progress.js';
import type { OpenProgress } from '../progress-types.js';
import { checkStorageUrl } from '../storage/index.js';
import { checkLockMode, type LockMode } from '../storage/lock/index.js';
import type { Metric, Quantization } from '../types.js';
import { checkLogging, checkQuantization, checkUint32, checkWasmSource } from '../validate.js';

const CREATE_KEYS = ['dim', 'metric', 'M', 'efConstruction', 'efSearch', 'seed', 'reuseDeleted', 'quantization', 'rerank', 'keepFloat', 'storage', 'autosave', 'durability', 'embedder', 'storeText', 'textIndex', 'logger', 'logLevel', 'wasm', 'lock', 'threads'] as const;
const OPEN_KEYS = ['autosave', 'durability', 'reuseDeleted', 'embedder', 'embedderMismatch', 'logger', 'logLevel', 'wasm', 'lock', 'threads', 'follow', 'signal', 'onProgress'] as const;
const AUTOSAVE_KEYS = ['debounceMs'] as const;
const METRICS: readonly Metric[] = ['l2', 'cosine', 'ip'];
const DURABILITIES: readonly Durability[] = ['strict', 'relaxed', 'manual'];
/** Longest autosave delay accepted, in milliseconds (one hour): a timer, not an index setting, so TypeScript's rule. */
const MAX_DEBOUNCE_MS = 3_600_000;

let memoryCounter = 0;

/** The index configuration as the core takes it (names; the core checks the ranges); `dim` undefined when the embedder gives it. */
export type IndexSettings = Omit<CoreConfig, 'dim'> & { dim: number | undefined };

/** What both `create()` and `open()` take: logging, the wasm source, autosave and slot reuse. */
export interface CommonSettings {
  logger: Logger;
  wasm: WasmSource | undefined;
  autosaveMs: number | undefined;
  /** The `durability` option; undefined: `'relaxed'`, or `'manual'` for a `create()` without `storage`. */
  durability: Durability | undefined;
  reuseDeleted: boolean;
  /** What happens when another instance holds the storage's write lock. */
  lock: LockMode;
  /** The `threads` option: inserts link on this many threads (`'auto'`: the host's cores). */
  threads: number | 'auto';
}

export interface CreateSettings extends CommonSettings {
  index: IndexSettings;
  /** The embedder to load, or undefined for a vectors-only database. */
  embedder: EmbedderConfig | true | undefined;
  storeText: boolean;
  textIndex: TextIndexSettings | undefined;
  storage: string;
  /** True when `storage` was given (else a fresh `memory://db-N` name nobody can reopen). */
  storageGiven: boolean;
}

export interface OpenSettings extends CommonSettings {
  embedder: EmbedderConfig | undefined;
  embedderMismatch: 'error' | 'warn';
  /** The `follow` option; undefined: follow when read-only on `idb://` / `opfs://` (see `follow.ts`). */
  follow: boolean | undefined;
  signal: AbortSignal | undefined;
  /** The `onProgress` option, guarded (a callback that throws is logged). */
  onProgress: ((event: OpenProgress) => void) | undefined;
}

/** Checks the options of `create()` (before anything loads). */
export function readCreateOptions(createOptions: unknown): CreateSettings {
  const options = readOptions<CreateOptions>(createOptions, CREATE_KEYS, 'create options');
  const embedder = options.embedder ?? (options.dim === undefined ? true : undefined);
  const dim = options.dim === undefined ? undefined : checkUint32(options.dim, 'dim');
  const metric = options.metric ?? (embedder === undefined ? 'l2' : 'cosine');
  if (!METRICS.includes(metric)) throw new InvalidArgumentError(`metric must be 'l2', 'cosine' or 'ip', got ${describe(metric)}`);
  const storeText = checkBoolean(options.storeText, 'storeText', false);
  const textIndex = checkTextIndexOption(options.textIndex, storeText);
  const index: IndexSettings = {
    dim,
    metric,
    M: checkUint32(options.M ?? 16, 'M'),
    efConstruction: checkUint32(options.efConstruction ?? 200, 'efConstruction'),
    efSearch: checkUint32(options.efSearch ?? 64, 'efSearch'),
    seed: checkUint32(options.seed ?? 1, 'seed'),
    ...checkQuantization(options),
  };
  const storage = checkStorageUrl(options.storage ?? `memory://db-${++memoryCounter}`);
  return {
    index,
    embedder: embedder as EmbedderConfig | true | undefined,
    storeText,
    textIndex,
    storage,
    storageGiven: options.storage !== undefined,
    ...readCommon(options, 'create options'),
  };
}

/** Checks the options of `open()` (before anything is read). */
export function readOpenOptions(openOptions: unknown): OpenSettings {
  const options = readOptions<OpenOptions>(openOptions, OPEN_KEYS, 'open options');
  const common = readCommon(options, 'open options');
  const embedderMismatch = options.embedderMismatch ?? 'error';
  if (embedderMismatch !== 'error' && embedderMismatch !== 'warn') {
    throw new InvalidArgumentError(`embedderMismatch must be 'error' or 'warn', got ${describe(embedderMismatch)}`);
  }
  const signal = checkSignal(options.signal);
  const onProgress = guardProgress<[OpenProgress]>(options.onProgress, common.logger, 'open');
  const follow = options.follow === undefined ? undefined : checkBoolean(options.follow, 'follow', true);
  return { ...common, embedder: options.embedder as EmbedderConfig | undefined, embedderMismatch, follow, signal, onProgress };
}

function readCommon(options: Partial<CreateOptions | OpenOptions>, what: string): CommonSettings {
  const autosaveMs = autosaveDelay(options.autosave);
  const reuseDeleted = checkBoolean(options.reuseDeleted, 'reuseDeleted', true);
  const logging = checkLogging(options.logger, options.logLevel, what);
  const wasm = checkWasmSource(options.wasm, what);
  const durability = options.durability;
  if (durability !== undefined && !DURABILITIES.includes(durability)) {
    throw new InvalidArgumentError(`durability must be 'strict', 'relaxed' or 'manual', got ${describe(durability)}`);
  }
  const threads = checkThreads(options.threads);
  return { logger: gateLogger(logging.logger, logging.logLevel), wasm, autosaveMs, durability, reuseDeleted, lock: checkLockMode(options.lock), threads };
}

/** Checks the `threads` option (default 1). */
function checkThreads(threads: unknown): number | 'auto' {
  if (threads === undefined) return 1;
  if (threads === 'auto') return 'auto';
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_BUILD_THREADS) {
    throw new InvalidArgumentError(`threads must be 'auto' or an integer in [1, ${MAX_BUILD_THREADS}], got ${describe(threads)}`);
  }
  return threads;
}

/** Checks the `autosave` option; returns the debounce delay in ms, or undefined when off. */
function autosaveDelay(autosave: unknown): number | undefined {
  if (autosave === undefined || autosave === false) return undefined;
  if (autosave === true) return 1000;
  const { debounceMs } = readOptions<{ debounceMs?: unknown }>(autosave, AUTOSAVE_KEYS, 'autosave');
  return debounceMs === undefined ? 1000 : checkInt(debounceMs, 'autosave.debounceMs', 0, MAX_DEBOUNCE_MS);
}
