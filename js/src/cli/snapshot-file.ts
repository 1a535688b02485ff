/**
 * A snapshot file read as data, for `inspect` and `verify`: its header and
 * section table (after the library's layout check, `checkSnapshotLayout`),
 * each section's CRC-32 recomputed, and the database settings its USER
 * section records. Nothing read here chooses code, a URL or a path.
 * Layout: `storage/snapshot-layout.ts`; the section checksum covers the
 * tag, the length and the payload (`SectionCrc`, wasm/src/snapshot_writer.cpp).
 * @internal
 */
import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { decode } from '@msgpack/msgpack';
import { checkSnapshotLayout, SNAPSHOT_HEADER_BYTES } from '../storage/snapshot-layout.js';
import { readTextSettings } from '../text.js';

/** One section of a snapshot. */
export interface SectionInfo {
  /** Four-character tag: CONF, VECS, GRPH, TOMB, USER, FRSH, QNT8, CODE. */
  tag: string;
  /** Offset of its payload in the file, in bytes. */
  offset: number;
  /** Payload length in bytes. */
  bytes: number;
  /** The stored CRC-32. */
  crc: number;
}

/** What the header and section table say. */
export interface SnapshotFileInfo {
  bytes: number;
  version: string;
  sections: SectionInfo[];
}

/**
 * Reads the header and the section headers of the snapshot at `path` (not the payloads).
 * @throws SnapshotError when the layout is wrong (the library's check).
 */
export async function readSnapshotFile(path: string): Promise<SnapshotFileInfo> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const readAt = async (offset: number, length: number): Promise<Uint8Array> => {
      const buf = new Uint8Array(length);
      await file.read(buf, 0, length, offset);
      return buf;
    };
    await checkSnapshotLayout(size, readAt, path);
    const head = new DataView((await readAt(0, SNAPSHOT_HEADER_BYTES)).buffer);
    const sections: SectionInfo[] = [];
    let pos = SNAPSHOT_HEADER_BYTES;
    for (let s = 0; s < head.getUint32(12, true); s++) {
      const h = await readAt(pos, 16);
      const view = new DataView(h.buffer);
      const bytes = Number(view.getBigUint64(8, true)); // ≤ the file size: checked by the layout check
      sections.push({ tag: String.fromCharCode(...h.subarray(0, 4).map((c) => (c >= 32 && c < 127 ? c : 63))), offset: pos + 16, bytes, crc: view.getUint32(4, true) });
      pos += 16 + bytes;
    }
    return { bytes: size, version: `${head.getUint16(8, true)}.${head.getUint16(10, true)}`, sections };
  } finally {
    await file.close();
  }
}

/** Reads one section's payload. */
export async function readSection(path: string, section: SectionInfo): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buf = new Uint8Array(section.bytes);
    await file.read(buf, 0, section.bytes, section.offset);
    return buf;
  } finally {
    await file.close();
  }
}

/** `zlib.crc32` (Node ≥ 20.15 / 22.2), or undefined on older Node: the full open still checks every checksum. */
const nodeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * Recomputes the CRC-32 of every section, reading one payload at a time.
 * @returns per section: the stored and computed checksums, or undefined when this Node has no `zlib.crc32`.
 */
export async function checkSectionCrcs(path: string, info: SnapshotFileInfo): Promise<{ tag: string; stored: number; computed: number }[] | undefined> {
  if (nodeCrc32 === undefined) return undefined;
  const results = [];
  for (const section of info.sections) {
    const header = await readSectionHeader(path, section);
    let crc = nodeCrc32(header.subarray(0, 4));
    crc = nodeCrc32(header.subarray(8, 16), crc);
    crc = nodeCrc32(await readSection(path, section), crc);
    results.push({ tag: section.tag, stored: section.crc, computed: crc >>> 0 });
  }
  return results;
}

async function readSectionHeader(path: string, section: SectionInfo): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buf = new Uint8Array(16);
    await file.read(buf, 0, 16, section.offset - 16);
    return buf;
  } finally {
    await file.close();
  }
}

/**
 * The database settings a snapshot's USER section records (its embedder's
 * identity, whether texts are kept), read with the library's reader of those
 * settings; undefined without a USER section. The record table's other
 * fields (`records.ts`) are left to `open()`.
 * @throws SnapshotError when the settings are malformed.
 */
export async function readSettings(path: string, info: SnapshotFileInfo): Promise<ReturnType<typeof readTextSettings> | undefined> {
  const user = info.sections.find((s) => s.tag === 'USER');
  if (user === undefined) return undefined;
  const table = decode(await readSection(path, user)) as { settings?: unknown } | null;
  return readTextSettings(typeof table === 'object' && table !== null ? table.settings : undefined);
}
