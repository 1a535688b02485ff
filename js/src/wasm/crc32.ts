/**
 * CRC-32 (IEEE 802.3, zlib's) computed by the core (`wasm/src/crc32.cpp`,
 * slicing-by-8): the write-ahead log checksums every record, on every write
 * and on every open, so the platform's gzip detour (`storage/crc32.ts`, about
 * half a millisecond a call) is too slow there. One implementation for the
 * snapshot sections and the log.
 * @internal
 */
import { OutOfMemoryError, StorageError } from '../errors.js';
import { MAX_ALLOCATION_BYTES } from './heap-size.js';
import type { CoreModule } from './minivectordb_core.mjs';

/** A CRC-32 function over bytes held in JavaScript. */
export type Crc32 = (bytes: Uint8Array) => number;

/** The core's CRC-32 for `mod`; each call copies the bytes into one malloc'd block and frees it. */
export function coreCrc32(mod: CoreModule): Crc32 {
  return (bytes) => {
    const n = bytes.byteLength;
    if (!(n <= MAX_ALLOCATION_BYTES)) throw new OutOfMemoryError(`cannot checksum ${n} bytes in WebAssembly memory (at most ${MAX_ALLOCATION_BYTES})`);
    const ptr = mod._malloc(Math.max(1, n)) >>> 0;
    if (ptr === 0) throw new OutOfMemoryError(`cannot allocate ${n} bytes of WebAssembly memory for a checksum`);
    try {
      mod.HEAPU8.set(bytes, ptr);
      const crc = mod.crc32(ptr, n);
      if (crc < 0) throw new StorageError(`checksum region of ${n} bytes at ${ptr} is outside WebAssembly memory`);
      return crc >>> 0;
    } finally {
      mod._free(ptr);
    }
  };
}
