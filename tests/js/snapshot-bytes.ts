/**
 * Test helpers for crafting snapshots: find the USER section (the record
 * table, MessagePack) and replace its payload with valid checksums, so that
 * a mutation reaches the TypeScript decoder instead of the checksum check.
 * Layout (wasm/src/snapshot.cpp, ARCHITECTURE.md): a 24-byte file header
 * (section count, u32 LE at offset 12), then sections of a 16-byte header —
 * tag (4 ASCII bytes), CRC-32 (u32 LE) of tag + length field + payload,
 * payload length (u64 LE) — and the payload.
 */
import { crc32 } from 'node:zlib';

/** Offset of the USER section's header and its payload length. */
export function findUser(snapshot: Uint8Array): { at: number; length: number } {
  const view = new DataView(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
  const sections = view.getUint32(12, true);
  let pos = 24;
  for (let s = 0; s < sections; s++) {
    const tag = String.fromCharCode(...snapshot.subarray(pos, pos + 4));
    const length = Number(view.getBigUint64(pos + 8, true));
    if (tag === 'USER') return { at: pos, length };
    pos += 16 + length;
  }
  throw new Error('snapshot has no USER section');
}

/** The USER payload (MessagePack of the record table). */
export function userPayload(snapshot: Uint8Array): Uint8Array {
  const { at, length } = findUser(snapshot);
  return snapshot.slice(at + 16, at + 16 + length);
}

/** A copy of `snapshot` whose USER payload is `payload`, with its length and CRC-32 rewritten. */
export function withUser(snapshot: Uint8Array, payload: Uint8Array): Uint8Array {
  const { at, length } = findUser(snapshot);
  const out = new Uint8Array(snapshot.length - length + payload.length);
  out.set(snapshot.subarray(0, at + 16), 0);
  out.set(payload, at + 16);
  out.set(snapshot.subarray(at + 16 + length), at + 16 + payload.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(at + 8, BigInt(payload.length), true);
  const tagCrc = crc32(out.subarray(at, at + 4));
  const lenCrc = crc32(out.subarray(at + 8, at + 16), tagCrc);
  v.setUint32(at + 4, crc32(payload, lenCrc), true);
  return out;
}
