/**
 * Test helpers for crafting snapshots: find the USER section (the record
 * table, MessagePack) and replace its payload with valid checksums, so that
 * a mutation reaches the TypeScript decoder instead of the checksum check.
 * Layout (wasm/src/snapshot.cpp, ARCHITECTURE.md): a 24-byte file header
 * (section count, u32 LE at offset 12), then sections of a 16-byte header —
 * tag (4 ASCII bytes), CRC-32 (u32 LE) of tag + length field + payload,
 * payload length (u64 LE) — and the payload.
 */
import { findUser, withUserPayload } from './snapshot-craft.js';

export { findUser };

/** The USER payload (MessagePack of the record table). */
export function userPayload(snapshot: Uint8Array): Uint8Array {
  const { at, length } = findUser(snapshot);
  return snapshot.slice(at + 16, at + 16 + length);
}

/** A copy of `snapshot` whose USER payload is `payload`, with its length and CRC-32 rewritten. */
export const withUser = withUserPayload;
