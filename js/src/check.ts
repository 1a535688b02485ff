/**
 * Generic checks of option objects and arguments: plain objects, known keys,
 * integers, booleans, read once. A leaf module (imports only the error
 * catalogue) so every layer, the embedders included, can use it without
 * depending on the database's own validation.
 * @internal
 */
import { InvalidArgumentError, MiniVectorDBError } from './errors.js';

/** Rejects keys of `options` that are not in `allowed` (a misspelt option must not be ignored silently). */
export function checkKnownKeys(options: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(`unknown option '${key}' in ${what}; expected one of: ${allowed.join(', ')}`);
    }
  }
}

/**
 * A shallow copy of an options object (or an insert item), each own
 * enumerable property read once, after {@link checkObject} and
 * {@link checkKnownKeys}: later checks read the copy, so a getter or Proxy
 * cannot answer one check and then another, and what it throws becomes an
 * InvalidArgumentError.
 */
export function readOptions<T extends object>(options: unknown, allowed: readonly string[], what: string): Partial<T> {
  try {
    checkObject(options, what);
    checkKnownKeys(options as object, allowed, what);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(options as object)) out[key] = (options as Record<string, unknown>)[key];
    return out as Partial<T>;
  } catch (e) {
    throw readError(e, what);
  }
}

/** Whether `v` is a plain object: `{}` literal or `Object.create(null)`, not an array or a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `value` must be a plain object (or undefined when `optional`). */
export function checkObject(value: unknown, what: string, optional = false): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what} must be an object, got ${describe(value)}`);
  }
}

/** An integer in [min, max]. */
export function checkInt(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

/** A boolean, or `fallback` when undefined. */
export function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** A typed error as is; anything else (a throwing getter or Proxy trap) as an InvalidArgumentError about `what`. */
export function readError(e: unknown, what: string): MiniVectorDBError {
  if (e instanceof MiniVectorDBError) return e;
  return new InvalidArgumentError(`${what} could not be read: ${String(e)} (use plain data: no throwing getters or Proxies)`, { cause: e });
}

/** Short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return `${typeof v} ${String(v)}`;
}
