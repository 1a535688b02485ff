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
    if (!takeSection(out, tag, range, major)) return undefined;
    pos = range.end;
  }
  return pos === bytes.byteLength ? out : undefined;
}

/**
 * {@link splitSnapshot} from the section headers alone, read through
 * `readAt` (24 + 16 bytes per section), for a snapshot of `size` bytes that
 * is streamed rather than held whole. Lengths are compared as BigInt: a
 * declared u64 length cannot round.
 */
export async function splitSnapshotAt(size: number, readAt: (offset: number, length: number) => Promise<Uint8Array>): Promise<SnapshotSplit | undefined> {
  if (size < 24) return undefined;
  const head = await readAt(0, 24);
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const major = hv.getUint16(8, true);
  const sections = hv.getUint32(12, true);
  if (sections > 64) return undefined; // kMaxSections: the core names the fault
  const out: SnapshotSplit = { vecs: undefined, codes: undefined };
  const end = BigInt(size);
  let pos = 24;
  for (let s = 0; s < sections; s++) {
    if (size - pos < 16) return undefined;
    const header = await readAt(pos, 16);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const tag = view.getUint32(0, true);
    const length = view.getBigUint64(8, true);
    pos += 16;
    if (length > end - BigInt(pos)) return undefined;
    const range = { start: pos, end: pos + Number(length) };
    if (!takeSection(out, tag, range, major)) return undefined;
    pos = range.end;
  }
  return pos === size ? out : undefined;
}

/** Records a VECS or CODE section's payload range in `out`; false for a second one of either (a malformed file). */
function takeSection(out: SnapshotSplit, tag: number, range: { start: number; end: number }, major: number): boolean {
  if (tag === TAG_VECS) {
    if (out.vecs !== undefined) return false;
    out.vecs = range;
  } else if (tag === TAG_CODE && major > 1) {
    if (out.codes !== undefined) return false;
    out.codes = range;
  }
  return true;
}
