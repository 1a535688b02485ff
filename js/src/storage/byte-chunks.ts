/**
 * Reading the `bytes` argument of `StorageAdapter.write`: one buffer or
 * a sequence of chunks ({@link ByteChunks}), each chunk possibly a view that
 * is valid only until the next one is requested. Shared by every backend.
 * @internal
 */
import { StorageError } from '../errors.js';
import { concatBytes } from '../bytes.js';
import type { ByteChunks } from './adapter.js';

/** The chunks of `bytes` (a single buffer is one chunk), in order. Empty chunks are skipped. */
export async function* eachChunk(bytes: Uint8Array | ByteChunks): AsyncGenerator<Uint8Array> {
  if (bytes instanceof Uint8Array) {
    if (bytes.byteLength > 0) yield bytes;
    return;
  }
  for await (const chunk of bytes) {
    if (!(chunk instanceof Uint8Array)) throw new StorageError(`a snapshot chunk must be a Uint8Array, got ${typeof chunk}`);
    if (chunk.byteLength > 0) yield chunk;
  }
}

/**
 * The bytes of `bytes` regrouped into new buffers of exactly `size` bytes
 * (the last one shorter), each a copy the caller may keep.
 */
export async function* regroup(bytes: Uint8Array | ByteChunks, size: number): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of eachChunk(bytes)) {
    for (let at = 0; at < chunk.byteLength; ) {
      const n = Math.min(size - filled, chunk.byteLength - at);
      part.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === size) {
        yield part;
        part = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.slice(0, filled);
}

/** All of `bytes` in one new buffer (of `byteLength` bytes when given). */
export async function collect(bytes: Uint8Array | ByteChunks, byteLength?: number): Promise<Uint8Array> {
  if (bytes instanceof Uint8Array) return checkLength(bytes.slice(), byteLength);
  if (byteLength !== undefined) {
    const out = new Uint8Array(checkByteLength(byteLength));
    let at = 0;
    for await (const chunk of eachChunk(bytes)) {
      if (chunk.byteLength > byteLength - at) throw new StorageError(`snapshot chunks exceed the announced ${byteLength} bytes`);
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return checkLength(out.subarray(0, at), byteLength);
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of eachChunk(bytes)) {
    parts.push(chunk.slice());
    total += chunk.byteLength;
  }
  return concatBytes(parts, total);
}

/** `byteLength` as given to `StorageAdapter.write`: a non-negative safe integer. */
export function checkByteLength(byteLength: number): number {
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) throw new StorageError(`byteLength must be a non-negative integer, got ${byteLength}`);
  return byteLength;
}

/** Throws when `written` differs from the announced length (a short or long stream must not replace a checkpoint). */
export function checkWritten(written: number, byteLength: number | undefined): void {
  if (byteLength !== undefined && written !== byteLength) {
    throw new StorageError(`snapshot stream gave ${written} bytes, ${byteLength} were announced; the previous checkpoint is kept`);
  }
}

function checkLength(bytes: Uint8Array, byteLength: number | undefined): Uint8Array {
  checkWritten(bytes.byteLength, byteLength);
  return bytes;
}
