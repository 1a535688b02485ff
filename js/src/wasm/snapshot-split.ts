/**
 * Where the VECS and CODE payloads, GRPH's layer-0 blocks and the USER
 * payload lie in snapshot bytes, so that opening can copy the first three
 * straight into the buffers the index keeps, keep USER in JavaScript, and
 * give the core the rest (`DeserializeSnapshotSplit`,
 * `wasm/include/minivectordb/snapshot.hpp`): the heap then never holds the
 * rows or the layer-0 links twice, nor the metadata. Only a walk of the section headers
 * (24-byte file header, then per section u32 tag, u32 CRC, u64 length,
 * payload) and CONF's M and node count; the core checks everything again,
 * CRCs included.
 * @internal
 */

/** A payload's byte range [start, end) in the snapshot. */
export interface PayloadRange {
  start: number;
  end: number;
}

/** The VECS and CODE payload ranges (CODE only from format 2 on, as the core reads it), and GRPH's layer-0 blocks. */
export interface SnapshotSplit {
  vecs: PayloadRange | undefined;
  codes: PayloadRange | undefined;
  /** GRPH's layer-0 blocks: count · 4 · (1 + 2M) bytes after its count level bytes (count and M from CONF); undefined when they do not fit. */
  links0: PayloadRange | undefined;
  /** The USER payload (ids, metadata: JavaScript's data, kept out of the heap); undefined when absent, empty or repeated. */
  user: PayloadRange | undefined;
}

/** The section ranges a split needs besides the cut ones: CONF, GRPH and USER, and whether any repeats (then only VECS and CODE are cut). */
interface Walked {
  conf: PayloadRange | undefined;
  grph: PayloadRange | undefined;
  user: PayloadRange | undefined;
  repeated: boolean;
}

const TAG_VECS = 0x53434556; // 'VECS' little-endian
const TAG_CODE = 0x45444f43; // 'CODE'
const TAG_CONF = 0x464e4f43; // 'CONF'
const TAG_GRPH = 0x48505247; // 'GRPH'
const TAG_USER = 0x52455355; // 'USER'
/** CONF bytes read for the layer-0 range: u32 M at 8, u32 node count at 20. */
const CONF_HEAD = 24;

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
  const out: SnapshotSplit = { vecs: undefined, codes: undefined, links0: undefined, user: undefined };
  const walked: Walked = { conf: undefined, grph: undefined, user: undefined, repeated: false };
  let pos = 24;
  for (let s = 0; s < sections; s++) {
    if (bytes.byteLength - pos < 16) return undefined;
    const tag = view.getUint32(pos, true);
    const length = view.getBigUint64(pos + 8, true);
    pos += 16;
    if (length > BigInt(bytes.byteLength - pos)) return undefined;
    const range = { start: pos, end: pos + Number(length) };
    if (!takeSection(out, walked, tag, range, major)) return undefined;
    pos = range.end;
  }
  if (pos !== bytes.byteLength) return undefined;
  const { conf } = walked;
  return complete(out, walked, conf === undefined || conf.end - conf.start < CONF_HEAD ? undefined : bytes.subarray(conf.start, conf.start + CONF_HEAD));
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
  const out: SnapshotSplit = { vecs: undefined, codes: undefined, links0: undefined, user: undefined };
  const walked: Walked = { conf: undefined, grph: undefined, user: undefined, repeated: false };
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
    if (!takeSection(out, walked, tag, range, major)) return undefined;
    pos = range.end;
  }
  if (pos !== size) return undefined;
  const { conf } = walked;
  return complete(out, walked, conf === undefined || conf.end - conf.start < CONF_HEAD ? undefined : await readAt(conf.start, CONF_HEAD));
}

/** `out` with the layer-0 and USER ranges added, unless CONF, GRPH or USER repeats (the core names that fault). */
function complete(out: SnapshotSplit, walked: Walked, confHead: Uint8Array | undefined): SnapshotSplit {
  if (walked.repeated) return out;
  if (confHead !== undefined) out.links0 = layer0Range(confHead, walked.grph);
  if (walked.user !== undefined && walked.user.end > walked.user.start) out.user = walked.user;
  return out;
}

/**
 * GRPH's layer-0 blocks, from CONF's first bytes: `count` level bytes, then
 * count blocks of 4 · (1 + 2M) bytes. Undefined when there are none or they
 * do not fit the section (the core then reads GRPH whole and names any fault).
 */
function layer0Range(confHead: Uint8Array, grph: PayloadRange | undefined): PayloadRange | undefined {
  if (grph === undefined) return undefined;
  const view = new DataView(confHead.buffer, confHead.byteOffset, confHead.byteLength);
  const m = view.getUint32(8, true);
  const count = view.getUint32(20, true);
  const bytes = count * 4 * (1 + 2 * m); // exact below 2^53; any larger value fails the size check anyway
  if (count === 0 || bytes === 0 || count + bytes > grph.end - grph.start) return undefined;
  return { start: grph.start + count, end: grph.start + count + bytes };
}

/**
 * Records a VECS or CODE section's payload range in `out`, and the first
 * CONF, GRPH and USER in `walked`; false for a second VECS or CODE (a malformed file).
 */
function takeSection(out: SnapshotSplit, walked: Walked, tag: number, range: { start: number; end: number }, major: number): boolean {
  if (tag === TAG_CONF || tag === TAG_GRPH || tag === TAG_USER) {
    const key = tag === TAG_CONF ? 'conf' : tag === TAG_GRPH ? 'grph' : 'user';
    if (walked[key] !== undefined) walked.repeated = true;
    walked[key] ??= range;
  } else if (tag === TAG_VECS) {
    if (out.vecs !== undefined) return false;
    out.vecs = range;
  } else if (tag === TAG_CODE && major > 1) {
    if (out.codes !== undefined) return false;
    out.codes = range;
  }
  return true;
}
