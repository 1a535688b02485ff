/**
 * Typed errors across the worker boundary. Comlink's built-in `'throw'`
 * transfer handler keeps only `name`, `message` and `stack`, so a
 * `DimensionMismatchError` thrown in the worker would arrive as a plain
 * `Error`. This wraps that handler (on both sides): a {@link MiniVectorDBError}
 * travels as a key of its class, its code and own fields and is re-created on the
 * other side as an instance of the same class; every other thrown value is
 * left to Comlink's handler.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { ModelLoadError } from '../embed/errors.js';
import {
  ClosedError,
  DimensionMismatchError,
  EmbedderMismatchError,
  InvalidArgumentError,
  LimitExceededError,
  MiniVectorDBError,
  NotFoundError,
  OutOfMemoryError,
  SnapshotError,
  StorageError,
  TimeoutError,
  type ErrorCode,
} from '../errors.js';

/**
 * Every class of the catalogue under a stable key, most derived first (the
 * first `instanceof` match names the class: constructor names are mangled
 * by minifiers, differently in the page's and the worker's bundles).
 */
const CLASSES: [string, { prototype: MiniVectorDBError; name: string }][] = [
  ['ModelLoadError', ModelLoadError],
  ['DimensionMismatchError', DimensionMismatchError],
  ['EmbedderMismatchError', EmbedderMismatchError],
  ['LimitExceededError', LimitExceededError],
  ['InvalidArgumentError', InvalidArgumentError],
  ['OutOfMemoryError', OutOfMemoryError],
  ['SnapshotError', SnapshotError],
  ['StorageError', StorageError],
  ['ClosedError', ClosedError],
  ['NotFoundError', NotFoundError],
  ['TimeoutError', TimeoutError],
  ['MiniVectorDBError', MiniVectorDBError],
];

/** Own fields carried besides message and stack (`expected`/`actual`, `file`/`source`/`status`, `id`, `recorded`/`supplied`/`differences`, `limit`/`max`, `timeoutMs`). */
const FIELDS = ['expected', 'actual', 'file', 'source', 'status', 'id', 'recorded', 'supplied', 'differences', 'limit', 'max', 'timeoutMs'] as const;

/** A {@link MiniVectorDBError} as structured-cloneable data. */
interface WireError {
  mvdbError: true;
  /** Key of the class in {@link CLASSES}. */
  kind: string;
  code: ErrorCode;
  message: string;
  stack: string | undefined;
  fields: Record<string, unknown>;
}

/** The serialised form of a thrown value in Comlink's protocol. */
type ThrowValue = { value: unknown };

function toWire(e: MiniVectorDBError): WireError {
  const fields: Record<string, unknown> = {};
  for (const f of FIELDS) if (Object.hasOwn(e, f)) fields[f] = (e as unknown as Record<string, unknown>)[f];
  const kind = CLASSES.find(([, cls]) => e instanceof (cls as unknown as typeof MiniVectorDBError))![0];
  return { mvdbError: true, kind, code: e.code, message: e.message, stack: e.stack, fields };
}

/**
 * Re-creates a {@link MiniVectorDBError} of the same class, code and fields;
 * the stack is the worker's (where it was thrown).
 */
function fromWire(w: WireError): MiniVectorDBError {
  const [kind, cls] = CLASSES.find(([key]) => key === w.kind) ?? ['MiniVectorDBError', MiniVectorDBError];
  const e = new Error(w.message);
  Object.setPrototypeOf(e, cls.prototype);
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
