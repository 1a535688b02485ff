/**
 * Argument checks shared by the public API. Each throws a typed error whose
 * message gives the expected and the actual value, before anything changes.
 * @internal
 */
import { klona } from 'klona/json';

import { checkBoolean, checkInt, describe, isPlainObject, readError, readOptions } from './check.js';
import { DimensionMismatchError, InvalidArgumentError, LimitExceededError, MiniVectorDBError } from './errors.js';
import { containerHeaderBytes, MAX_ID_LENGTH, MAX_METADATA_BYTES, MAX_METADATA_DEPTH, numberBytes, stringBytes } from './limits.js';
import { LOG_LEVELS, LOGGER_METHODS, type Logger, type LogLevel } from './logger.js';
import type { CreateOptions, Metadata, Quantization, WasmSource } from './types.js';

/**
 * `logger` (undefined, or an object with the four {@link Logger} methods) and
 * `logLevel` (one of {@link LOG_LEVELS}, or undefined).
 */
export function checkLogging(logger: unknown, logLevel: unknown, what: string): { logger: Logger | undefined; logLevel: LogLevel | undefined } {
  if (logLevel !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(logLevel)) {
    throw new InvalidArgumentError(`${what}.logLevel must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')}, got ${describe(logLevel)}`);
  }
  if (logger !== undefined) {
    if (typeof logger !== 'object' || logger === null) throw new InvalidArgumentError(`${what}.logger must be an object with ${LOGGER_METHODS.join(', ')} methods (e.g. console), got ${describe(logger)}`);
    for (const m of LOGGER_METHODS) {
      if (typeof (logger as Record<string, unknown>)[m] !== 'function') {
        throw new InvalidArgumentError(`${what}.logger must have a ${m}() method (needs ${LOGGER_METHODS.join(', ')}, as console has)`);
      }
    }
  }
  return { logger: logger as Logger | undefined, logLevel: logLevel as LogLevel | undefined };
}

/** `wasm`: undefined, or exactly one of `{ url }` (an absolute URL, string or URL), `{ binary }` (ArrayBuffer or Uint8Array), `{ module }` (a `WebAssembly.Module`). */
export function checkWasmSource(wasm: unknown, what: string): WasmSource | undefined {
  if (wasm === undefined) return undefined;
  const o = readOptions<WasmSource>(wasm, ['url', 'binary', 'module'], `${what}.wasm`);
  const given = (['url', 'binary', 'module'] as const).filter((k) => o[k] !== undefined);
  if (given.length > 1) throw new InvalidArgumentError(`${what}.wasm takes one of url, binary or module, got ${given.join(' and ')}`);
  if (given.length === 0) throw new InvalidArgumentError(`${what}.wasm needs url, binary or module`);
  if (o.binary !== undefined && !(o.binary instanceof ArrayBuffer) && !(o.binary instanceof Uint8Array)) {
    throw new InvalidArgumentError(`${what}.wasm.binary must be an ArrayBuffer or a Uint8Array, got ${describe(o.binary)}`);
  }
  if (o.module !== undefined && !(o.module instanceof WebAssembly.Module)) {
    throw new InvalidArgumentError(`${what}.wasm.module must be a compiled WebAssembly.Module, got ${describe(o.module)}`);
  }
  if (o.url !== undefined) {
    if (typeof o.url !== 'string' && !(o.url instanceof URL)) throw new InvalidArgumentError(`${what}.wasm.url must be a string or a URL, got ${describe(o.url)}`);
    if (!isAbsoluteUrl(String(o.url))) throw new InvalidArgumentError(`${what}.wasm.url must be an absolute URL, got ${describe(String(o.url))}`);
  }
  return o;
}

function isAbsoluteUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** Largest value of an unsigned 32-bit integer, the type the core takes for every index setting. */
const UINT32_MAX = 0xffffffff;

/**
 * An integer the core can take as a uint32 (the binding's type, not a rule of
 * the index: the core checks each setting's range and names the field).
 */
export function checkUint32(value: unknown, name: string): number {
  return checkInt(value, name, 0, UINT32_MAX);
}

/** Quantization settings from `quantization`, `rerank`, `keepFloat` (defaults: none, 4, true); the core checks rerank's range. */
export function checkQuantization(o: Partial<CreateOptions>): { quantization: Quantization; rerank: number; keepFloat: boolean } {
  const q = o.quantization ?? 'none';
  if (q !== 'none' && q !== 'int8') throw new InvalidArgumentError(`quantization must be 'none' or 'int8', got ${describe(q)}`);
  return {
    quantization: q,
    rerank: checkUint32(o.rerank ?? 4, 'rerank'),
    keepFloat: checkBoolean(o.keepFloat, 'keepFloat', true),
  };
}

/** A record id: a non-empty string. */
export function checkId(id: unknown, what = 'id'): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new InvalidArgumentError(`${what} must be a non-empty string, got ${describe(id)}`);
  }
  return id;
}

/** An id to store: {@link checkId}, and at most {@link MAX_ID_LENGTH} UTF-16 code units (LimitExceededError). */
export function checkNewId(id: unknown, what = 'id'): string {
  checkId(id, what);
  const length = (id as string).length;
  if (length > MAX_ID_LENGTH) {
    throw new LimitExceededError('idLength', MAX_ID_LENGTH, length, `${what} is ${length} characters long; ids may have at most ${MAX_ID_LENGTH}`);
  }
  return id as string;
}

/**
 * Checks a vector's type and shape and writes it as float32 into `out` at
 * `offset` (dim values). Throws DimensionMismatchError (wrong length) or
 * InvalidArgumentError (not a Float32Array or an array of numbers, a value
 * that is not a number). The values themselves (finite, squared norm at most
 * FLT_MAX / 8, non-zero for cosine) are the core's rule, checked in one place:
 * `mvdb::CheckVectors` (`wasm/include/minivectordb/vector_check.hpp`), which
 * insert, search and `CoreIndex.checkVectors` run.
 */
export function writeVector(v: unknown, dim: number, out: Float32Array, offset: number, what: string): void {
  if (!(v instanceof Float32Array) && !isArrayLikeOfNumbers(v)) {
    throw new InvalidArgumentError(`${what} must be a Float32Array or an array of numbers, got ${describe(v)}`);
  }
  const arr = v as ArrayLike<number>;
  if (arr.length !== dim) throw new DimensionMismatchError(dim, arr.length, what);
  if (v instanceof Float32Array) {
    out.set(v, offset);
    return;
  }
  for (let i = 0; i < dim; i++) {
    const x = arr[i];
    if (typeof x !== 'number') throw new InvalidArgumentError(`${what} has a non-numeric value at index ${i}: ${describe(x)}`);
    out[offset + i] = x; // float32 rounding: 1e39 becomes Infinity, which the core rejects
  }
}

function isArrayLikeOfNumbers(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
}

/**
 * Validates metadata and returns a deep copy, so later changes by the caller
 * do not reach the database. Accepts plain objects of strings, finite numbers,
 * booleans, null, arrays and nested plain objects; rejects cycles, functions,
 * symbols, bigints, class instances (Date, Uint8Array…), sparse arrays, NaN
 * and ±Infinity, and anything a getter or Proxy trap throws while it is read
 * (InvalidArgumentError). Nesting deeper than {@link MAX_METADATA_DEPTH} or
 * more than {@link MAX_METADATA_BYTES} of MessagePack is a LimitExceededError.
 * Each property is read once: the copy is what was checked.
 */
export function cloneMetadata(meta: unknown, what = 'metadata'): Metadata | undefined {
  return walkMetadata(meta, what, true);
}

/**
 * The checks of {@link cloneMetadata} without the copy, for metadata the
 * database owns already (freshly decoded from a snapshot): returns `meta`.
 */
export function checkMetadata(meta: unknown, what = 'metadata'): Metadata | undefined {
  return walkMetadata(meta, what, false);
}

function walkMetadata(meta: unknown, what: string, copy: boolean): Metadata | undefined {
  if (meta === undefined) return undefined;
  try {
    if (!isPlainObject(meta)) throw new InvalidArgumentError(`${what} must be a plain object, got ${describe(meta)}`);
    const walk = new MetadataWalk(what, copy);
    const out = walk.value(meta, 1) as Metadata;
    if (walk.bytes > MAX_METADATA_BYTES) throw walk.tooBig();
    return out;
  } catch (e) {
    throw readError(e, what);
  }
}

/**
 * The walk stops counting at this many bytes: metadata that shares one
 * object many times over (a DAG, legal but exponential to walk as a tree)
 * is rejected after a bounded walk, not after 2^32 visits.
 */
const STOP_COUNTING_BYTES = 4 * MAX_METADATA_BYTES;

/**
 * One walk over metadata: checks each value, copies it when `copy`, and adds
 * its MessagePack size to `bytes`. The path of the value being checked is
 * kept as a stack of keys and only formatted for an error message.
 */
class MetadataWalk {
  bytes = 0;
  /** The objects and arrays from the root to the current value (a repeat is a cycle). */
  readonly #ancestors: object[] = [];
  readonly #keys: (string | number)[] = [];

  constructor(
    private readonly what: string,
    private readonly copy: boolean,
  ) {}

  /** `metadata.a.b[2]`: where the walk is. */
  path(): string {
    let p = this.what;
    for (const k of this.#keys) p += typeof k === 'number' ? `[${k}]` : `.${k}`;
    return p;
  }

  tooBig(): LimitExceededError {
    const atLeast = this.bytes > STOP_COUNTING_BYTES ? 'at least ' : '';
    return new LimitExceededError(
      'metadataBytes',
      MAX_METADATA_BYTES,
      this.bytes,
      `${this.what} takes ${atLeast}${this.bytes} bytes as MessagePack; a record's metadata may take at most ${MAX_METADATA_BYTES}`,
    );
  }

  /** Checks `v` at nesting level `depth` (the root object is 1); returns it, or its copy. */
  value(v: unknown, depth: number): unknown {
    if (v === null || typeof v === 'boolean') {
      this.bytes += 1;
      return v;
    }
    if (typeof v === 'string') {
      this.bytes += stringBytes(v);
      return v;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new InvalidArgumentError(`${this.path()} is ${String(v)}; metadata numbers must be finite`);
      this.bytes += numberBytes(v);
      return v;
    }
    if (typeof v !== 'object') throw new InvalidArgumentError(`${this.path()} has unsupported type ${typeof v}`);
    if (this.#ancestors.includes(v)) throw new InvalidArgumentError(`${this.path()} is circular; metadata must be a tree`);
    if (depth > MAX_METADATA_DEPTH) {
      throw new LimitExceededError('metadataDepth', MAX_METADATA_DEPTH, depth, `${this.path()} is nested ${depth} levels deep; metadata may nest at most ${MAX_METADATA_DEPTH} levels`);
    }
    if (this.bytes > STOP_COUNTING_BYTES) throw this.tooBig();
    this.#ancestors.push(v);
    let out: unknown;
    if (Array.isArray(v)) out = this.#array(v, depth);
    else if (isPlainObject(v)) out = this.#object(v, depth);
    else throw new InvalidArgumentError(`${this.path()} is a ${describe(v)}; metadata holds only plain objects and arrays`);
    this.#ancestors.pop();
    return out;
  }

  #array(v: unknown[], depth: number): unknown[] {
    const n = v.length;
    const out: unknown[] | undefined = this.copy ? new Array(n) : undefined;
    this.bytes += containerHeaderBytes(n);
    for (let i = 0; i < n; i++) {
      // A hole would be saved as null: reject it rather than change it.
      if (!(i in v)) throw new InvalidArgumentError(`${this.path()} is a sparse array (no element at index ${i}); metadata arrays must be dense`);
      this.#keys.push(i);
      const x = this.value(v[i], depth + 1);
      this.#keys.pop();
      if (out !== undefined) out[i] = x;
    }
    return out ?? v;
  }

  #object(v: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> | undefined = this.copy ? {} : undefined;
    let count = 0;
    for (const k of Object.keys(v)) {
      // '__proto__' cannot be stored as a plain key (assignment sets the
      // prototype, and MessagePack decoders refuse it): reject it loudly.
      if (k === '__proto__') throw new InvalidArgumentError(`${this.path()} has the key '__proto__', which metadata cannot store`);
      const x = v[k]; // read once: the copy is what was checked
      this.#keys.push(k);
      if (x === undefined) {
        // Dropped from a copy (as JSON does); stored metadata never holds one.
        if (out === undefined) throw new InvalidArgumentError(`${this.path()} is undefined`);
      } else {
        const y = this.value(x, depth + 1);
        if (out !== undefined) out[k] = y;
        this.bytes += stringBytes(k);
        count++;
      }
      this.#keys.pop();
    }
    this.bytes += containerHeaderBytes(count);
    return out ?? v;
  }
}

/** A deep copy of stored (already validated) metadata. */
export function copyMetadata(meta: Metadata | undefined): Metadata | undefined {
  // Stored metadata are JSON data (cloneMetadata checked them, at insert and
  // at open: no Uint8Array or Date from a snapshot), so klona's JSON-only
  // copy shares nothing with the store, and it is much cheaper than
  // structuredClone, a cost paid for every hit of every search.
  return meta === undefined ? undefined : klona(meta);
}

