/**
 * CRC-32 (IEEE 802.3, zlib's) computed by the core (`wasm/src/crc32.cpp`,
 * slicing-by-8): the write-ahead log checksums every record, on every write
 * and on every open, so the platform's gzip detour (`storage/crc32.ts`, about
 * half a millisecond a call) is too slow there. One implementation for the
 * snapshot sections and the log.
 * @internal
 */
import { OutOfMemoryError, StorageError } from '../errors.js';
import type { CoreModule } from './minivectordb_core.mjs';

/** A CRC-32 function over bytes held in JavaScript. */
export type Crc32 = (bytes: Uint8Array) => number;

/** Bytes checksummed per core call. */
const WINDOW_BYTES = 64 * 1024;
/** One window per module, taken on first use (at create or open), never freed: a write at a full heap needs no allocation to checksum its record. */
const windows = new WeakMap<CoreModule, number>();

/**
 * The core's CRC-32 for `mod`: the bytes pass through one 64 KiB block of
 * the heap in pieces (the CRC continued across them), so a log record of any
 * size is checksummed without a copy of it in the heap (at the insert
 * ceiling that copy did not fit).
 * @throws OutOfMemoryError when the block cannot be allocated (first call for `mod` only).
 */
export function coreCrc32(mod: CoreModule): Crc32 {
  let window = windows.get(mod);
  if (window === undefined) {
    window = mod._malloc(WINDOW_BYTES) >>> 0;
    if (window === 0) throw new OutOfMemoryError(`cannot allocate ${WINDOW_BYTES} bytes of WebAssembly memory for checksums`);
    windows.set(mod, window);
  }
  const at = window;
  return (bytes) => {
    let crc = 0;
    for (let from = 0; from < bytes.byteLength; from += WINDOW_BYTES) {
      const piece = bytes.subarray(from, Math.min(bytes.byteLength, from + WINDOW_BYTES));
      mod.HEAPU8.set(piece, at);
      const next = mod.crc32(at, piece.byteLength, crc);
      if (next < 0) throw new StorageError(`checksum region of ${piece.byteLength} bytes at ${at} is outside WebAssembly memory`);
      crc = next >>> 0;
    }
    return crc;
  };
}
