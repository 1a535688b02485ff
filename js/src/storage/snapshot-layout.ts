/**
 * A cheap check of a stored snapshot's layout before its bytes are read:
 * the fixed header (magic, checksum, version, flags, section count) and every
 * section header's declared length against the stored size, reading only
 * those headers (24 + 16 per section bytes). A wrong file of any size is
 * then rejected without reading it into memory. The WebAssembly loader
 * (`wasm/src/snapshot.cpp`, `DeserializeSnapshot`) stays the authority and
 * checks all of this again plus the checksums and contents; this pass only
 * decides whether reading the whole file is worth it (so it skips the
 * section checksums, which need the bytes anyway).
 *
 * Layout (see `wasm/include/minivectordb/snapshot.hpp`): a 24-byte header
 * (u8[8] magic `MVDBSNAP`, u16 major, u16 minor, u32 section count, u32 flags,
 * u32 CRC-32 of bytes 0..19), then sections of a 16-byte header (u32 tag,
 * u32 CRC, u64 payload length) and the payload, ending at the end of the file.
 * @internal
 */
import { SnapshotError } from '../errors.js';
import { crc32 } from './crc32.js';

/** Bytes of the fixed file header. */
export const SNAPSHOT_HEADER_BYTES = 24;
/** Bytes of one section header. */
const SECTION_HEADER_BYTES = 16;
/** `kMaxSections` of the core. */
const MAX_SECTIONS = 64;
/** Major versions the core reads (`kSnapshotMajor` and the upgraded 1.0). */
const MAJORS = [1, 2];
const MAGIC = [0x4d, 0x56, 0x44, 0x42, 0x53, 0x4e, 0x41, 0x50]; // "MVDBSNAP"

/**
 * Largest snapshot that can be opened: the 4 GiB WebAssembly heap (wasm32)
 * less its first 64 KiB page. Opening copies the float32 rows and int8 codes
 * straight into the index's own buffers and only the rest (graph,
 * tombstones, metadata) into a scratch block beside them, so a snapshot
 * needs about its own size of heap; a larger one can never open.
 */
export const MAX_SNAPSHOT_BYTES = 2 ** 32 - 2 ** 16;

/** Reads `length` bytes at `offset` (both within the stored size). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Checks the layout of a stored snapshot of `size` bytes through `readAt`.
 * @param size - stored size in bytes.
 * @param readAt - positioned reader; called for the header and each section header only.
 * @param where - URL or path, for messages.
 * @throws SnapshotError (`SNAPSHOT_CORRUPT`) on a wrong magic, header
 *   checksum, flags, section count, a size above {@link MAX_SNAPSHOT_BYTES}, a section
 *   longer than what follows it, or bytes after the last section;
 *   (`SNAPSHOT_VERSION`) on a major version this build does not read.
 */
export async function checkSnapshotLayout(size: number, readAt: ReadAt, where: string): Promise<void> {
  if (size < SNAPSHOT_HEADER_BYTES) {
    throw new SnapshotError(`${where}: snapshot truncated: ${size} bytes, the header alone needs ${SNAPSHOT_HEADER_BYTES}`);
  }
  const head = await readAt(0, SNAPSHOT_HEADER_BYTES);
  if (!MAGIC.every((b, i) => head[i] === b)) throw new SnapshotError(`${where}: not a MiniVectorDB snapshot: magic bytes mismatch`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  // Before the version, as the core does: a damaged version field is corruption, not a newer format.
  if ((await crc32(head.subarray(0, 20))) !== view.getUint32(20, true)) throw new SnapshotError(`${where}: header checksum mismatch`);
  const major = view.getUint16(8, true);
  if (!MAJORS.includes(major)) {
    throw new SnapshotError(`${where}: unsupported snapshot version ${major}.${view.getUint16(10, true)}; this build reads major versions ${MAJORS.join(' and ')}`, 'SNAPSHOT_VERSION');
  }
  if (view.getUint32(16, true) !== 0) throw new SnapshotError(`${where}: header flags must be 0, got ${view.getUint32(16, true)}`);
  const sections = view.getUint32(12, true);
  if (sections > MAX_SECTIONS) throw new SnapshotError(`${where}: section count ${sections} exceeds ${MAX_SECTIONS}`);
  if (size > MAX_SNAPSHOT_BYTES) {
    throw new SnapshotError(`${where}: ${size} bytes is more than the ${MAX_SNAPSHOT_BYTES} bytes a snapshot can have (the 4 GB WebAssembly heap must hold the index built from it)`);
  }
  // Lengths are u64: compared as BigInt so a huge declared length cannot round.
  let pos = BigInt(SNAPSHOT_HEADER_BYTES);
  const end = BigInt(size);
  for (let s = 0; s < sections; s++) {
    if (end - pos < SECTION_HEADER_BYTES) throw new SnapshotError(`${where}: snapshot truncated in the header of section ${s}`);
    const header = await readAt(Number(pos), SECTION_HEADER_BYTES);
    const length = new DataView(header.buffer, header.byteOffset, header.byteLength).getBigUint64(8, true);
    pos += BigInt(SECTION_HEADER_BYTES);
    if (length > end - pos) {
      throw new SnapshotError(`${where}: section ${tagName(header)} claims ${length} bytes but only ${end - pos} remain (truncated or corrupt length)`);
    }
    pos += length;
  }
  if (pos !== end) throw new SnapshotError(`${where}: ${end - pos} unexpected trailing bytes after the last section`);
}

function tagName(header: Uint8Array): string {
  return String.fromCharCode(...header.subarray(0, 4).map((c) => (c >= 32 && c < 127 ? c : 63)));
}
