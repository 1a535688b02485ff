/**
 * The error catalogue's table (ERROR_KINDS) drives what crosses a worker
 * boundary: every class in it, and the embedding module's ModelLoadError,
 * goes through the wrapped Comlink 'throw' handler and comes back as an
 * instance of the same class with the same name, code, message and own
 * fields. The samples below are written here, one per class, so a class
 * added to the catalogue without a sample fails the first test.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { describe, expect, test } from 'vitest';
import {
  ClosedError,
  LockedError,
  DimensionMismatchError,
  EmbedderMismatchError,
  InvalidArgumentError,
  LimitExceededError,
  MiniVectorDBError,
  ModelLoadError,
  NotFoundError,
  OutOfMemoryError,
  SnapshotError,
  StorageError,
  TimeoutError,
} from 'minivectordb';
import { ERROR_KINDS } from '../../dist/errors.js';
import { installErrorTransfer } from '../../dist/worker/errors-transfer.js';

const samples: MiniVectorDBError[] = [
  new MiniVectorDBError('INTERNAL', 'internal'),
  new InvalidArgumentError('bad k'),
  new LimitExceededError('metadataBytes', 1 << 20, (1 << 20) + 1, 'too big'),
  new TimeoutError('late', 300),
  new DimensionMismatchError(16, 3, 'query'),
  new OutOfMemoryError('full'),
  new SnapshotError('old', 'SNAPSHOT_VERSION'),
  new StorageError('missing'),
  new EmbedderMismatchError({ model: 'a' }, { model: 'b' }, ['model: a recorded, b supplied']),
  new NotFoundError('x'),
  new ClosedError('search'),
  new LockedError('file:///tmp/x.mvdb', 'held by another process'),
  new ModelLoadError('onnx/model.onnx', 'https://example.invalid/m', 'HTTP 404', { status: 404 }),
];

/** What a thrown value becomes after serialize (worker side) and deserialize (page side). */
function roundTrip(e: unknown): unknown {
  installErrorTransfer();
  const handler = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
  const [wire] = handler.serialize({ value: e });
  const cloned = structuredClone(wire); // what postMessage does
  try {
    handler.deserialize(cloned);
  } catch (thrown) {
    return thrown;
  }
  throw new Error('deserialize did not throw');
}

describe('typed errors across the worker boundary, from the catalogue’s table', () => {
  test('one sample per class of ERROR_KINDS, plus ModelLoadError', () => {
    const classes = new Set(samples.map((e) => Object.getPrototypeOf(e).constructor));
    expect(classes).toEqual(new Set([...Object.values(ERROR_KINDS), ModelLoadError]));
  });

  for (const e of samples) {
    test(`${e.name} keeps its class, code, message and fields`, () => {
      const back = roundTrip(e) as MiniVectorDBError;
      expect(Object.getPrototypeOf(back)).toBe(Object.getPrototypeOf(e));
      expect(back).toBeInstanceOf(MiniVectorDBError);
      expect(back.name).toBe(e.name);
      expect(back.code).toBe(e.code);
      expect(back.message).toBe(e.message);
      for (const key of Object.keys(e)) expect((back as unknown as Record<string, unknown>)[key], key).toEqual((e as unknown as Record<string, unknown>)[key]);
    });
  }

  test('a subclass defined by a caller arrives as its nearest catalogue class; other values are left to Comlink', () => {
    class AppError extends NotFoundError {}
    const back = roundTrip(new AppError('y')) as NotFoundError;
    expect(Object.getPrototypeOf(back)).toBe(NotFoundError.prototype);
    expect(back.id).toBe('y');
    const plain = roundTrip(new TypeError('plain')) as Error;
    expect(plain).not.toBeInstanceOf(MiniVectorDBError);
    expect(plain.message).toBe('plain');
  });
});
