/**
 * Where the VECS and CODE payloads lie in snapshot bytes, so that opening can
 * copy them straight into the buffers the index keeps and give the core the
 * rest (`DeserializeSnapshotSplit`, `wasm/include/minivectordb/snapshot.hpp`):
 * the heap then never holds the rows twice. Only a walk of the section
 * headers (24-byte file header, then per section u32 tag, u32 CRC, u64
 * length, payload); the core checks everything again, CRCs included.
 * @internal
 */

/** A payload's byte range [start, end) in the snapshot. */
export interface PayloadRange {
  start: number;
  end: number;
}

/** The VECS and CODE payload ranges (CODE only from format 2 on, as the core reads it). */
export interface SnapshotSplit {
  vecs: PayloadRange | undefined;
  codes: PayloadRange | undefined;
}

const TAG_VECS = 0x53434556; // 'VECS' little-endian
const TAG_CODE = 0x45444f43; // 'CODE'

/**
 * The payload ranges to cut out of `bytes`, or undefined when the section
 * headers do not walk cleanly to the end (a damaged snapshot: the caller
 * hands the bytes whole to the core, which names the fault) or a tag repeats.
 */
export function splitSnapshot(bytes: Uint8Array): SnapshotSplit | undefined {
  if (bytes.byteLength < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = view.getUint16(8, true);
  const sections = view.getUint32(12, true);
  const out: SnapshotSplit = { vecs: undefined, codes: undefined };
  let pos = 24;
  for (let s = 0; s < sections; s++) {
    if (bytes.byteLength - pos < 16) return undefined;
    const tag = view.getUint32(pos, true);
    const length = view.getBigUint64(pos + 8, true);
    pos += 16;
    if (length > BigInt(bytes.byteLength - pos)) return undefined;
    const range = { start: pos, end: pos + Number(length) };
    if (tag === TAG_VECS) {
      if (out.vecs !== undefined) return undefined;
      out.vecs = range;
    } else if (tag === TAG_CODE && major > 1) {
      if (out.codes !== undefined) return undefined;
      out.codes = range;
    }
    pos = range.end;
  }
  return pos === bytes.byteLength ? out : undefined;
}
