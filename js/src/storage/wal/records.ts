/**
 * What the write-ahead log records: one {@link LogRecord} per write call,
 * MessagePack-encoded (the snapshot's record table uses the same codec) and
 * framed by `frame.ts`. Records hold resolved values so that replay needs
 * neither an embedder nor a filter: an insert carries its vectors (embedded
 * texts included), `deleteByFilter` the ids it deleted.
 *
 * - `insert`: `insert`, `insertMany`, upserts and `update` with a vector or
 *   text (an existing id is replaced, as by `insertMany`);
 * - `metadata`: `update` with metadata only (replaced in place);
 * - `delete`: `delete`, `deleteMany`, `deleteByFilter` (the ids deleted);
 * - `compact`;
 * - `reorder` (the core's order depends only on the graph, so replaying it
 *   relabels exactly as the original call did).
 *
 * Every record carries a sequence number `seq` (one more than the previous
 * write's; checkpoints record the last one they hold): replay applies the
 * records above the checkpoint's, so records left in the log by a crash
 * between a checkpoint and the log's truncation are skipped.
 *
 * Log bytes are untrusted data: {@link decodeRecord} checks every field's
 * type and every size (in plain numbers, exact below 2^53) and returns
 * plain values; ids, vectors and metadata are checked again by the write
 * path that replays them, as for any caller's input.
 * @internal
 */
import { decode, encode } from '@msgpack/msgpack';
import type { Metadata } from '../../types.js';

/** One record of an `insert`: vectors are in the record's `vectors`, row `i` for item `i`. */
export interface LoggedItem {
  id: string;
  metadata: Metadata | null;
  text?: string;
}

export type LogOp =
  | { op: 'insert'; items: LoggedItem[]; dim: number; vectors: Float32Array }
  | { op: 'metadata'; id: string; metadata: Metadata | null }
  | { op: 'delete'; ids: string[] }
  | { op: 'compact' }
  | { op: 'reorder' };

export type LogRecord = LogOp & { seq: number };

/** MessagePack payload of `record` (vectors as one little-endian float32 blob). */
export function encodeRecord(record: LogRecord): Uint8Array {
  if (record.op !== 'insert') return encode(record);
  const { vectors, ...rest } = record;
  return encode({ ...rest, vectors: littleEndianBytes(vectors) });
}

/** The bytes of `v` in little-endian order (the snapshot's byte order). */
function littleEndianBytes(v: Float32Array): Uint8Array {
  const out = new Uint8Array(v.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true);
  return out;
}

/** Why a checksummed payload is still not a record (a bug or a forged log). */
export class RecordShapeError extends Error {}

function fail(what: string): never {
  throw new RecordShapeError(what);
}

const isSafeCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isMetadata = (m: unknown): m is Metadata | null => m === null || (typeof m === 'object' && !Array.isArray(m) && !(m instanceof Uint8Array));

/**
 * The record in `payload`.
 * @throws RecordShapeError when the payload is not a record of a known shape.
 */
export function decodeRecord(payload: Uint8Array): LogRecord {
  let raw: unknown;
  try {
    raw = decode(payload);
  } catch (e) {
    fail(`not MessagePack: ${String(e)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('not a map');
  const r = raw as Record<string, unknown>;
  if (!isSafeCount(r.seq)) fail('bad seq');
  const head = { seq: r.seq };
  switch (r.op) {
    case 'insert': {
      const { items, dim, vectors } = r;
      if (!Array.isArray(items)) fail('insert.items is not an array');
      if (!isSafeCount(dim) || dim === 0) fail('insert.dim is not a positive integer');
      if (!(vectors instanceof Uint8Array)) fail('insert.vectors is not binary');
      // items.length · dim · 4 stays below 2^53 (items are bounded by the payload's size).
      if (vectors.byteLength !== items.length * dim * 4) fail(`insert.vectors holds ${vectors.byteLength} bytes, expected ${items.length}·${dim}·4`);
      const out: LoggedItem[] = items.map((it: unknown, i) => {
        if (it === null || typeof it !== 'object' || Array.isArray(it)) fail(`insert.items[${i}] is not a map`);
        const { id, metadata, text } = it as Record<string, unknown>;
        if (typeof id !== 'string') fail(`insert.items[${i}].id is not a string`);
        if (!isMetadata(metadata)) fail(`insert.items[${i}].metadata is not a map or null`);
        if (text !== undefined && typeof text !== 'string') fail(`insert.items[${i}].text is not a string`);
        return text === undefined ? { id, metadata } : { id, metadata, text };
      });
      const view = new DataView(vectors.buffer, vectors.byteOffset, vectors.byteLength);
      const floats = new Float32Array(items.length * dim);
      for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(i * 4, true);
      return { ...head, op: 'insert', items: out, dim, vectors: floats };
    }
    case 'metadata':
      if (typeof r.id !== 'string') fail('metadata.id is not a string');
      if (!isMetadata(r.metadata)) fail('metadata.metadata is not a map or null');
      return { ...head, op: 'metadata', id: r.id, metadata: r.metadata };
    case 'delete':
      if (!Array.isArray(r.ids) || !r.ids.every((id) => typeof id === 'string')) fail('delete.ids is not an array of strings');
      return { ...head, op: 'delete', ids: r.ids as string[] };
    case 'compact':
      return { ...head, op: 'compact' };
    case 'reorder':
      return { ...head, op: 'reorder' };
    default:
      return fail(`unknown op ${JSON.stringify(String(r.op)).slice(0, 40)}`);
  }
}
