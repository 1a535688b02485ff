/**
 * What a snapshot records about its embedder: WHICH model built its vectors
 * (kind, model id, revision, ONNX file, dimension, pooling, normalisation,
 * token limit, digest of the model files), never WHERE code or files come
 * from. A snapshot is untrusted data: the location of the model (`modelPath`,
 * `modelUrl`, `remoteHost`, `localModelPath`), of the cache (`cacheDir`,
 * `cacheName`) and of onnxruntime's code (`wasm.wasmPaths`) come only from the
 * options of the call that opens it, or from the library's defaults.
 *
 * Older snapshots saved the whole embedder description, `config` with its
 * locations included; {@link readIdentity} keeps only the identity fields.
 * @internal
 */
import { SnapshotError } from '../errors.js';
import { DEFAULT_TEXT_MODEL } from './default-model.js';
import type { EmbedderInfo, OnnxEmbedderConfig, Pooling } from './embedder.js';
import { MAX_SEQUENCE } from './text-encoding.js';
import { dtypeOfFile } from './dtype.js';

/** An embedder's identity: {@link EmbedderInfo} without `config`, the fields a custom embedder may lack optional. */
export interface EmbedderIdentity {
  kind: string;
  model: string;
  dim: number;
  revision?: string;
  modelFile?: string;
  pooling?: Pooling | 'sentence_embedding';
  normalize?: boolean;
  maxLength?: number;
  digest?: string;
}

/** Longest string field accepted from a snapshot (ids, revisions, file names). */
const MAX_FIELD = 1024;
const POOLINGS = ['mean', 'cls', 'sentence_embedding'] as const;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_FIELD;
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * The identity of an embedder (what save() writes): the fields of its `info`
 * that {@link readIdentity} accepts, so whatever a custom embedder reports,
 * the snapshot opens again. A missing or unusable `kind` / `model` becomes
 * `'custom'` / `'(unnamed)'` (a model name longer than 1,024 characters is
 * cut); `dim` is the embedder's own.
 */
export function identityOf(info: Partial<EmbedderInfo> | undefined, dim: number): EmbedderIdentity {
  const i = (info ?? {}) as Record<string, unknown>;
  const name = typeof i.model === 'string' && i.model.length > MAX_FIELD ? i.model.slice(0, MAX_FIELD) : i.model;
  const out: EmbedderIdentity = { kind: isText(i.kind) ? i.kind : 'custom', model: isText(name) ? name : '(unnamed)', dim };
  if (isText(i.revision)) out.revision = i.revision;
  if (isText(i.modelFile)) out.modelFile = i.modelFile;
  if (POOLINGS.includes(i.pooling as (typeof POOLINGS)[number])) out.pooling = i.pooling as EmbedderIdentity['pooling'];
  if (typeof i.normalize === 'boolean') out.normalize = i.normalize;
  if (isInt(i.maxLength, 0, MAX_SEQUENCE)) out.maxLength = i.maxLength;
  if (typeof i.digest === 'string' && DIGEST.test(i.digest)) out.digest = i.digest;
  return out;
}

/**
 * The identity recorded in a snapshot's USER section, checked field by field;
 * every other field (an older snapshot's `config`, anything a crafted file
 * adds) is dropped. MessagePack `null` counts as absent.
 * @throws SnapshotError when a field has the wrong type or range.
 */
export function readIdentity(raw: unknown): EmbedderIdentity | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('the embedder record is not a map');
  const r = raw as Record<string, unknown>;
  const field = (key: string): unknown => (Object.hasOwn(r, key) && r[key] !== null ? r[key] : undefined);
  const text = (key: string, required: boolean): string | undefined => {
    const v = field(key);
    if (v === undefined && !required) return undefined;
    if (!isText(v)) throw bad(`embedder ${key} must be a string of 1 to ${MAX_FIELD} characters`);
    return v;
  };
  const int = (key: string, min: number, max: number): number | undefined => {
    const v = field(key);
    if (v === undefined) return undefined;
    if (!isInt(v, min, max)) throw bad(`embedder ${key} must be an integer in [${min}, ${max}]`);
    return v;
  };
  const out: EmbedderIdentity = { kind: text('kind', true)!, model: text('model', true)!, dim: int('dim', 1, 65536) ?? NaN };
  if (Number.isNaN(out.dim)) throw bad('embedder dim is missing');
  const revision = text('revision', false);
  if (revision !== undefined) out.revision = revision;
  const modelFile = text('modelFile', false);
  if (modelFile !== undefined) out.modelFile = modelFile;
  const pooling = field('pooling');
  if (pooling !== undefined) {
    if (!POOLINGS.includes(pooling as (typeof POOLINGS)[number])) throw bad(`embedder pooling must be one of ${POOLINGS.join(', ')}`);
    out.pooling = pooling as EmbedderIdentity['pooling'];
  }
  const normalize = field('normalize');
  if (normalize !== undefined) {
    if (typeof normalize !== 'boolean') throw bad('embedder normalize must be a boolean');
    out.normalize = normalize;
  }
  const maxLength = int('maxLength', 0, MAX_SEQUENCE);
  if (maxLength !== undefined) out.maxLength = maxLength;
  const digest = field('digest');
  if (digest !== undefined) {
    if (typeof digest !== 'string' || !DIGEST.test(digest)) throw bad("embedder digest must be 'sha256:' and 64 hex digits");
    out.digest = digest;
  }
  return out;
}

/** True when the identity names a model by id (the built-in one, or a hub id with its revision), not by a folder. */
function namedById(id: EmbedderIdentity): boolean {
  return !isModelFolderKind(id.kind) || id.model === DEFAULT_TEXT_MODEL || id.revision !== undefined;
}

/** The kinds of the library's own embedders, which load a model folder: the ONNX text embedder and CLIP. */
function isModelFolderKind(kind: string): boolean {
  return kind === 'onnx' || kind === 'clip';
}

/**
 * How `supplied` differs from `recorded`, one line per field; empty when
 * they are the same embedder. With a digest on both sides the digests decide
 * which model it is; otherwise the ids and revisions do when both name a
 * model by id (two folders without digests cannot be compared). Pooling,
 * normalisation and token limit are compared when both record them. The
 * dimension is left to the caller (a hard error, never a warning).
 */
export function identityDifferences(recorded: EmbedderIdentity, supplied: EmbedderIdentity): string[] {
  const out: string[] = [];
  const differ = (key: keyof EmbedderIdentity): void => {
    const a = recorded[key];
    const b = supplied[key];
    if (a !== undefined && b !== undefined && a !== b) out.push(`${key}: ${JSON.stringify(a)} recorded, ${JSON.stringify(b)} supplied`);
  };
  differ('kind');
  if (recorded.digest !== undefined && supplied.digest !== undefined) {
    differ('digest');
  } else if (namedById(recorded) && namedById(supplied)) {
    differ('model');
    differ('revision');
    differ('modelFile'); // fp32 and q8 files of one id give different vectors
  }
  differ('pooling');
  differ('normalize');
  differ('maxLength');
  return out;
}

/**
 * The embedder options that the identity alone determines (no location):
 * the model id (the built-in model, or a hub id with its revision, fetched
 * from the default host), the ONNX file, pooling, normalisation, token limit.
 * `caller` — the open() call's own options — wins on every key it sets; when
 * it chooses the model itself (`model`, `modelPath`, `modelUrl`), only
 * pooling, normalisation and token limit are taken from the identity.
 * @returns the options, or `undefined` when the identity cannot name its model
 *   (a custom embedder, or an ONNX model loaded from a folder or URL) and the
 *   caller gave none.
 */
export function embedderOptionsFor(recorded: EmbedderIdentity, caller: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!isModelFolderKind(recorded.kind)) return caller;
  const data: OnnxEmbedderConfig & { kind?: 'clip' } = recorded.kind === 'clip' ? { kind: 'clip' } : {};
  if (recorded.kind === 'onnx' && (recorded.pooling === 'mean' || recorded.pooling === 'cls')) data.pooling = recorded.pooling;
  if (recorded.normalize !== undefined) data.normalize = recorded.normalize;
  if (recorded.maxLength !== undefined && recorded.maxLength > 0) data.maxLength = recorded.maxLength;
  const callerPicksModel = caller !== undefined && (caller.model !== undefined || caller.modelPath !== undefined || caller.modelUrl !== undefined);
  if (!callerPicksModel && namedById(recorded)) {
    data.model = recorded.model;
    if (recorded.revision !== undefined) data.revision = recorded.revision;
    // The caller's own choice of file (any of the three options) replaces the recorded one.
    const callerPicksFile = caller?.quantized !== undefined || caller?.dtype !== undefined || caller?.modelFile !== undefined;
    if (recorded.modelFile !== undefined && !callerPicksFile) {
      if (recorded.kind === 'clip') {
        const dtype = dtypeOfFile(recorded.modelFile, 'vision_model');
        if (dtype !== undefined) (data as { dtype?: string }).dtype = dtype;
      } else {
        data.modelFile = recorded.modelFile;
      }
    }
  } else if (caller === undefined) {
    return undefined;
  }
  const out: Record<string, unknown> = { ...data };
  for (const [key, value] of Object.entries(caller ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

function bad(message: string): SnapshotError {
  return new SnapshotError(`the snapshot's text settings are corrupt: ${message}`);
}
