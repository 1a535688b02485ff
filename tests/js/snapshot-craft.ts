/**
 * Crafting snapshots as an attacker would: decode the USER section
 * (MessagePack record table and settings), change it, and write it back with
 * its CRC-32 recomputed (tag, length field, payload: wasm/src/snapshot.cpp,
 * SectionCrc), so the file passes every checksum.
 */
import { crc32 } from 'node:zlib';
import { decode, encode } from '@msgpack/msgpack';

/** Offset of the USER section's 16-byte header and its payload length. */
export function findUser(bytes: Uint8Array): { at: number; length: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sections = view.getUint32(12, true);
  let pos = 24;
  let found: { at: number; length: number } | undefined;
  for (let s = 0; s < sections; s++) {
    const tag = String.fromCharCode(...bytes.subarray(pos, pos + 4));
    const length = Number(view.getBigUint64(pos + 8, true));
    if (tag === 'USER') found = { at: pos, length };
    pos += 16 + length;
  }
  if (pos !== bytes.length || found === undefined) throw new Error('findUser: not a snapshot with a USER section');
  return found;
}

/** The decoded USER section: `{ format, ids, metadata, texts?, settings? }`. */
export function readUser(bytes: Uint8Array): Record<string, unknown> {
  const { at, length } = findUser(bytes);
  return decode(bytes.subarray(at + 16, at + 16 + length)) as Record<string, unknown>;
}

/** `bytes` with the USER payload replaced by `payload` and its checksum recomputed. */
export function withUserPayload(bytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const { at, length } = findUser(bytes);
  const out = new Uint8Array(bytes.length - length + payload.length);
  out.set(bytes.subarray(0, at + 16), 0);
  out.set(payload, at + 16);
  out.set(bytes.subarray(at + 16 + length), at + 16 + payload.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(at + 8, BigInt(payload.length), true);
  const crc = crc32(payload, crc32(out.subarray(at + 8, at + 16), crc32(out.subarray(at, at + 4))));
  v.setUint32(at + 4, crc, true);
  return out;
}

/** `bytes` with the decoded USER section changed by `edit` and written back (valid checksums). */
export function editUser(bytes: Uint8Array, edit: (user: Record<string, unknown>) => void): Uint8Array {
  const user = readUser(bytes);
  edit(user);
  return withUserPayload(bytes, encode(user));
}
