/**
 * Sizes of the buffers handed to the WebAssembly core, checked before
 * anything is allocated. wasm32 addresses 4 GiB and `_malloc` takes a 32-bit
 * `size_t`: a JS size of 2^32 or more would reach it wrapped (2^32 + 8
 * becomes 8), the core would then write far past a small block, and the heap
 * shared by every database of the module would be corrupt (issue #16). The
 * core checks every region again (`wasm/include/minivectordb/region.hpp`).
 * @internal
 */
import { OutOfMemoryError } from '../errors.js';

/**
 * Largest single allocation that can ever succeed: the 4 GiB address space
 * less its first 64 KiB page, which the core's static data and stack always
 * occupy.
 */
export const MAX_ALLOCATION_BYTES = 2 ** 32 - 2 ** 16;

/**
 * Total bytes of `parts`, each the product of its factors (counts, then an
 * element size in bytes), e.g. `heapBytes('search', [nq, k, 8], [nq, 4])`.
 *
 * Computed in float64: exact while below 2^53, and rounding is monotone, so
 * a true total over the limit is never rounded below it.
 * @throws OutOfMemoryError when the total exceeds {@link MAX_ALLOCATION_BYTES}
 *   (or a factor is not a non-negative integer), naming `what` — before any allocation.
 */
export function heapBytes(what: string, ...parts: readonly (readonly number[])[]): number {
  let total = 0;
  for (const factors of parts) {
    let bytes = 1;
    for (const f of factors) {
      if (!Number.isInteger(f) || f < 0) throw new OutOfMemoryError(`${what}: invalid size factor ${f}`);
      bytes *= f;
    }
    total += bytes;
  }
  if (total > MAX_ALLOCATION_BYTES) {
    throw new OutOfMemoryError(
      `${what} needs ${total} bytes of WebAssembly memory in one block; wasm32 can hold at most ${MAX_ALLOCATION_BYTES} (split the call into smaller batches)`,
    );
  }
  return total;
}

/**
 * Bytes of the scratch of a search of `nq` queries of `dim` float32 with `k`
 * results each: [queries | allowed bitset (uint32 words) | k labels and k
 * distances per query | one count per query].
 * @throws OutOfMemoryError as {@link heapBytes}.
 */
export function searchScratchBytes(nq: number, dim: number, k: number, allowedWords: number): number {
  return heapBytes(`a search of ${nq} queries with k = ${k}`, [nq, dim, 4], [allowedWords, 4], [nq, k, 4 + 4], [nq, 4]);
}
