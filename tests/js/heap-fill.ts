/** Test helper: a WebAssembly heap with only a chosen amount free (memory-ceiling tests). */
import type { loadCore } from '../../dist/wasm/load.js';

/**
 * Fills the shared WebAssembly heap: allocates blocks, largest first, until
 * nothing fits, then frees the smallest until `headroom` bytes (at most about
 * twice that) are free again. Returns the blocks kept (free them after).
 */
export function fillHeap(mod: Awaited<ReturnType<typeof loadCore>>, headroom: number): number[] {
  const blocks: [ptr: number, size: number][] = [];
  for (let size = 2 ** 31; size >= 2 ** 16; size /= 2) {
    for (;;) {
      const ptr = mod._malloc(size) >>> 0;
      if (ptr === 0) break;
      blocks.push([ptr, size]);
    }
  }
  for (let freed = 0; freed < headroom && blocks.length > 0; ) {
    const [ptr, size] = blocks.pop()!;
    mod._free(ptr);
    freed += size;
  }
  return blocks.map(([ptr]) => ptr);
}

/**
 * {@link fillHeap} leaving one contiguous block of `hole` bytes free (and
 * fragments under 64 KiB): the block is taken first, the rest filled, then
 * the block freed. Returns the blocks kept (free them after).
 * @throws Error when `hole` bytes cannot be allocated to begin with.
 */
export function fillHeapBut(mod: Awaited<ReturnType<typeof loadCore>>, hole: number): number[] {
  const ptr = mod._malloc(hole) >>> 0;
  if (ptr === 0) throw new Error(`fillHeapBut: no free block of ${hole} bytes to keep`);
  const ballast = fillHeap(mod, 0);
  mod._free(ptr);
  return ballast;
}
