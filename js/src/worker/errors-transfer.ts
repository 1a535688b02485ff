/**
 * Typed errors across the worker boundary. Comlink's built-in `'throw'`
 * transfer handler keeps only `name`, `message` and `stack`, so a
 * `DimensionMismatchError` thrown in the worker would arrive as a plain
 * `Error`. This wraps that handler (on both sides): a {@link MiniVectorDBError}
 * travels as the key of its class in the catalogue's table (`ERROR_KINDS`),
 * its code and own fields, and is re-created on the other side as an
 * instance of the same class; every other thrown value is left to Comlink's
 * handler.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { ImageDecodeError, ImagesUnsupportedError, ModelLoadError } from '../embed/errors.js';
import { ERROR_KINDS, MiniVectorDBError, type ErrorCode, type ErrorKind } from '../errors.js';

/** The catalogue's classes, and the subclasses of the embedding module. */
const KINDS: Record<string, ErrorKind> = { ...ERROR_KINDS, ModelLoadError, ImageDecodeError, ImagesUnsupportedError };

/** The key of each class by its prototype: the nearest one on an error's prototype chain names it. */
const KIND_OF = new Map<object, string>(Object.entries(KINDS).map(([kind, cls]) => [cls.prototype, kind]));

/** Own fields that are not the class's data (`name` and `code` travel on their own, `cause` may not clone). */
const NOT_FIELDS = new Set(['name', 'code', 'message', 'stack', 'cause']);

/** A {@link MiniVectorDBError} as structured-cloneable data. */
interface WireError {
  mvdbError: true;
  /** Key of the class in {@link KINDS}. */
  kind: string;
  code: ErrorCode;
  message: string;
  stack: string | undefined;
  /** The error's own data fields (`expected`/`actual`, `file`/`source`/`status`, `id`, …). */
  fields: Record<string, unknown>;
}

/** The serialised form of a thrown value in Comlink's protocol. */
type ThrowValue = { value: unknown };

function kindOf(e: MiniVectorDBError): string {
  for (let p = Object.getPrototypeOf(e) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const kind = KIND_OF.get(p);
    if (kind !== undefined) return kind;
  }
  return 'MiniVectorDBError';
}

function toWire(e: MiniVectorDBError): WireError {
  const fields: Record<string, unknown> = {};
  for (const f of Object.keys(e)) if (!NOT_FIELDS.has(f)) fields[f] = (e as unknown as Record<string, unknown>)[f];
  return { mvdbError: true, kind: kindOf(e), code: e.code, message: e.message, stack: e.stack, fields };
}

/**
 * Re-creates a {@link MiniVectorDBError} of the same class, code and fields;
 * the stack is the worker's (where it was thrown).
 */
function fromWire(w: WireError): MiniVectorDBError {
  const kind = Object.hasOwn(KINDS, w.kind) ? w.kind : 'MiniVectorDBError';
  const e = new Error(w.message);
  Object.setPrototypeOf(e, KINDS[kind]!.prototype);
  Object.defineProperties(e, {
    name: { value: kind, writable: true, configurable: true, enumerable: true }, // as a local instance's (each class sets its name literally)
    code: { value: w.code, enumerable: true },
    ...Object.fromEntries(Object.entries(w.fields).map(([k, v]) => [k, { value: v, enumerable: true }])),
  });
  if (w.stack !== undefined) e.stack = w.stack;
  return e as MiniVectorDBError;
}

function isWire(v: unknown): v is WireError {
  return typeof v === 'object' && v !== null && (v as { mvdbError?: unknown }).mvdbError === true;
}

let installed = false;

/** Wraps Comlink's `'throw'` handler in this realm, once. Call before exposing or wrapping an endpoint. */
export function installErrorTransfer(): void {
  if (installed) return;
  const base = transferHandlers.get('throw') as TransferHandler<ThrowValue, unknown>;
  const handler: TransferHandler<ThrowValue, unknown> = {
    canHandle: (value): value is ThrowValue => base.canHandle(value),
    serialize(thrown) {
      return thrown.value instanceof MiniVectorDBError ? [toWire(thrown.value), []] : base.serialize(thrown);
    },
    deserialize(serialized) {
      if (isWire(serialized)) throw fromWire(serialized);
      return base.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler);
  installed = true;
}
