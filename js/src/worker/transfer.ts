/**
 * Vectors cross the worker boundary as transferables, without detaching the
 * caller's arrays: every `Float32Array` among the values is copied into one
 * new buffer (one copy, then a zero-copy move of that buffer), and replaced by
 * a view of it. Anything else (plain number arrays, strings, malformed
 * values) is left as it is, to be structured-cloned and checked by the
 * database in the worker, which then throws the same typed errors as on the
 * main thread.
 */

/**
 * Copies the `Float32Array`s in `values` into one fresh buffer.
 * @returns `values` with each `Float32Array` replaced by a view of the
 *   buffer (same length and contents), and the buffer to transfer (none when
 *   there was no `Float32Array`).
 */
export function packVectors<T>(values: readonly T[]): { values: (T | Float32Array)[]; transfer: ArrayBuffer[] } {
  let total = 0;
  for (const v of values) if (v instanceof Float32Array) total += v.length;
  if (total === 0) return { values: [...values], transfer: [] };
  const flat = new Float32Array(total);
  let offset = 0;
  const out = values.map((v) => {
    if (!(v instanceof Float32Array)) return v;
    flat.set(v, offset);
    const view = flat.subarray(offset, offset + v.length);
    offset += v.length;
    return view;
  });
  return { values: out, transfer: [flat.buffer] };
}

/** The `vector`s of insert items packed by {@link packVectors}; items that are not objects are passed on unchanged. */
export function packItems(items: readonly unknown[]): { items: unknown[]; transfer: ArrayBuffer[] } {
  const isItem = (it: unknown): it is { vector?: unknown } => typeof it === 'object' && it !== null && !Array.isArray(it);
  const { values, transfer } = packVectors(items.map((it) => (isItem(it) ? it.vector : undefined)));
  const out = items.map((it, i) => (isItem(it) && it.vector instanceof Float32Array ? { ...it, vector: values[i] } : it));
  return { items: out, transfer };
}
