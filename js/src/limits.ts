/**
 * The documented limits on what one record may hold, checked at insert and
 * update (LimitExceededError) and again when a snapshot is opened
 * (SnapshotError), so that whatever insert accepts, save can write and open
 * gives back in a database that works.
 *
 * Metadata size is counted exactly as the snapshot stores it: the bytes of
 * its MessagePack encoding (msgpack.org spec; the shortest forms, as
 * `@msgpack/msgpack` writes them), computed by {@link stringBytes},
 * {@link numberBytes} and {@link containerHeaderBytes} while the metadata are
 * checked, without encoding them.
 */

/**
 * Deepest metadata nesting accepted: the metadata object is level 1, each
 * object or array inside it one level more (`{ a: { b: [1] } }` is 3 levels).
 * Far below the snapshot encoder's own limit (100 levels, the record table
 * included) and any call-stack limit.
 */
export const MAX_METADATA_DEPTH = 32;

/** Largest metadata of one record: 1 MiB (1,048,576 bytes) of MessagePack, as saved in a snapshot. */
export const MAX_METADATA_BYTES = 1 << 20;

/** Longest record id, in UTF-16 code units (JavaScript's `string.length`): 16,384 (at most 48 KiB of UTF-8). */
export const MAX_ID_LENGTH = 16384;

/** Bytes of `s` in MessagePack: its UTF-8 length (a lone surrogate counts 3, as U+FFFD) plus the str header. */
export function stringBytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair is one code point of 4 bytes
      i++;
    } else n += 3;
  }
  return n + (n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
}

/** Bytes of a finite number in MessagePack: the shortest integer form for safe integers, else float64 (9). */
export function numberBytes(x: number): number {
  if (!Number.isSafeInteger(x)) return 9;
  if (x >= 0) return x < 0x80 ? 1 : x < 0x100 ? 2 : x < 0x10000 ? 3 : x < 0x100000000 ? 5 : 9;
  return x >= -0x20 ? 1 : x >= -0x80 ? 2 : x >= -0x8000 ? 3 : x >= -0x80000000 ? 5 : 9;
}

/** Header bytes of a MessagePack array or map of `count` entries. */
export function containerHeaderBytes(count: number): number {
  return count < 16 ? 1 : count < 0x10000 ? 3 : 5;
}
