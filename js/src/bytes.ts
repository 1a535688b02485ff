/**
 * Byte helpers shared by the storage, the write-ahead log and the model
 * loader (a leaf: imports nothing).
 * @internal
 */

/**
 * `parts` joined into one buffer of `total` bytes (their summed length);
 * a single part is returned as is, not copied.
 */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
