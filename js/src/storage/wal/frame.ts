/**
 * Record framing of the write-ahead log: each record is
 * `[crc32 u32 LE][length u32 LE][payload: length bytes]`, the CRC-32 covering
 * the length field and the payload, so a damaged length is caught like a
 * damaged payload. A crash can leave the last group of records half written
 * (a torn tail); {@link readFrames} keeps every whole, checksummed record
 * before the first bad one and reports where and why it stopped.
 * @internal
 */
import type { Crc32 } from '../../wasm/crc32.js';

/** Bytes before each payload: CRC-32 then length. */
export const FRAME_HEADER_BYTES = 8;
/** Largest payload one record may hold (the length field is a uint32). */
export const MAX_PAYLOAD_BYTES = 0xffff_ffff - FRAME_HEADER_BYTES;

/** Why the reader stopped before the end of the log. */
export type TailReason = 'truncated header' | 'truncated record' | 'checksum mismatch' | 'undecodable record' | 'unreplayable record';

/** Where the readable log ends, when it ends before the last byte. */
export interface TornTail {
  /** Byte offset of the first record not read (the log is valid up to here). */
  offset: number;
  /** Bytes from `offset` to the end of the log, all dropped. */
  droppedBytes: number;
  reason: TailReason;
}

/** A whole, checksummed record read back: its payload and where its frame starts. */
export interface Frame {
  offset: number;
  bytes: Uint8Array;
}

/** One framed record holding `payload`. */
export function frameRecord(payload: Uint8Array, crc: Crc32): Uint8Array {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) throw new RangeError(`a log record of ${payload.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(4, payload.byteLength, true);
  out.set(payload, FRAME_HEADER_BYTES);
  view.setUint32(0, crc(out.subarray(4)), true);
  return out;
}

/**
 * The payloads of the whole, checksummed records at the start of `log`, in
 * order (views into `log`), and the torn tail when the log does not end on a
 * record boundary with valid checksums. Every length is compared with the
 * bytes left before anything is sliced (plain numbers: exact below 2^53).
 */
export function readFrames(log: Uint8Array, crc: Crc32): { payloads: Frame[]; tail: TornTail | undefined } {
  const view = new DataView(log.buffer, log.byteOffset, log.byteLength);
  const payloads: Frame[] = [];
  let at = 0;
  const stop = (reason: TailReason) => ({ payloads, tail: { offset: at, droppedBytes: log.byteLength - at, reason } });
  while (at < log.byteLength) {
    if (log.byteLength - at < FRAME_HEADER_BYTES) return stop('truncated header');
    const length = view.getUint32(at + 4, true);
    if (length > log.byteLength - at - FRAME_HEADER_BYTES) return stop('truncated record');
    const end = at + FRAME_HEADER_BYTES + length;
    if (crc(log.subarray(at + 4, end)) !== view.getUint32(at, true)) return stop('checksum mismatch');
    payloads.push({ offset: at, bytes: log.subarray(at + FRAME_HEADER_BYTES, end) });
    at = end;
  }
  return { payloads, tail: undefined };
}
