/**
 * Reading a write-ahead log back on open: the records to replay after a
 * checkpoint, and a typed warning when the log ends in a torn or corrupt
 * tail (dropped: an open never fails for it).
 * @internal
 */
import type { Logger } from '../../logger.js';
import type { Crc32 } from '../../wasm/crc32.js';
import { readFrames, type TailReason, type TornTail } from './frame.js';

export type { TailReason, TornTail } from './frame.js';
import { decodeRecord, RecordShapeError, type LogRecord } from './records.js';

/**
 * The structured argument of the warning logged when a log's tail is dropped
 * (`logger.warn(message, warning)`): a crash in the middle of an append, or
 * damaged bytes. Records before `offset` were kept.
 */
export interface LogTailWarning {
  readonly code: 'WAL_TAIL_DROPPED';
  /** The database's storage URL. */
  readonly url: string;
  /** Byte offset in the log of the first record dropped. */
  readonly offset: number;
  readonly droppedBytes: number;
  readonly reason: TailReason;
  /** Whole records read before the tail. */
  readonly recordsKept: number;
}

export interface ReadLog {
  /** Records with a sequence number above `afterSeq`, in log order. */
  records: LogRecord[];
  /** The byte offset of each of `records` in the log. */
  offsets: number[];
  /** Where reading stopped, when before the end. */
  tail: TornTail | undefined;
}

/**
 * The records of `log` to replay over a checkpoint that covers sequence
 * numbers up to `afterSeq` (records it already holds, left by a crash
 * between the checkpoint and the log's truncation, are skipped). A torn or corrupt tail, or a
 * checksummed record that does not decode, ends the log: it is reported
 * through `logger.warn(message, LogTailWarning)`.
 */
export function readLog(log: Uint8Array, crc: Crc32, afterSeq: number, logger: Logger, url: string): ReadLog {
  const { payloads, tail: framed } = readFrames(log, crc);
  const records: LogRecord[] = [];
  const offsets: number[] = [];
  let tail = framed;
  let kept = 0;
  for (const frame of payloads) {
    let record: LogRecord;
    try {
      record = decodeRecord(frame.bytes);
    } catch (e) {
      if (!(e instanceof RecordShapeError)) throw e;
      tail = { offset: frame.offset, droppedBytes: log.byteLength - frame.offset, reason: 'undecodable record' };
      break;
    }
    kept++;
    if (record.seq > afterSeq) {
      records.push(record);
      offsets.push(frame.offset);
    }
  }
  if (tail !== undefined) warnTail(logger, url, tail, kept);
  return { records, offsets, tail };
}

/** Reports a dropped tail: `logger.warn(message, LogTailWarning)`. */
export function warnTail(logger: Logger, url: string, tail: TornTail, recordsKept: number, detail = ''): void {
  const warning: LogTailWarning = { code: 'WAL_TAIL_DROPPED', url, ...tail, recordsKept };
  logger.warn(`write-ahead log of ${url}: dropped ${tail.droppedBytes} bytes at offset ${tail.offset} (${tail.reason}${detail}); ${recordsKept} records kept`, warning);
}
