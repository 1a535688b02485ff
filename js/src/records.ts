/**
 * RecordTable: string ids ↔ dense internal labels, and metadata (and the
 * original text, when kept) per label.
 * Labels come from the core (0, 1, 2, … for new slots); a replaced or
 * deleted record's label becomes a tombstone, unmapped here, until an insert
 * reuses its slot (the core picks the label; {@link RecordTable.set} maps the
 * new record there) or a compaction renumbers every live label
 * ({@link RecordTable.remap}).
 *
 * Serialised with MessagePack into the snapshot's USER section as
 * `{ format: 1, minor: 1, ids: (string|null)[], metadata: (object|null)[], texts?: (string|null)[], settings? }`,
 * indexed by label; `settings` is an opaque JSON object of the database (its
 * embedder description, its text index settings) carried along. `minor`
 * rises with backward-compatible additions (readers of an older minor ignore
 * them): 0 (absent) before the text index, 1 with `settings.textIndex` and
 * `settings.textPostings`.
 * @internal
 */
import { decode, encode } from '@msgpack/msgpack';
import { asTypedError, MiniVectorDBError, SnapshotError } from './errors.js';
import { MAX_ID_LENGTH } from './limits.js';
import type { Metadata } from './types.js';
import { checkMetadata } from './validate.js';

const FORMAT = 1;
/** Minor version written (see the module comment). */
const MINOR = 1;

export class RecordTable {
  private ids: (string | undefined)[] = [];
  private metadata: (Metadata | undefined)[] = [];
  private texts: (string | undefined)[] = [];
  private byId = new Map<string, number>();
  private changes = 0;

  /** Counts every change to the table (set, setMetadata, remove, remap): equal versions, equal contents. */
  get version(): number {
    return this.changes;
  }

  /** Number of live records. */
  get size(): number {
    return this.byId.size;
  }
  labelOf(id: string): number | undefined {
    return this.byId.get(id);
  }
  idOf(label: number): string | undefined {
    return this.ids[label];
  }
  metadataOf(label: number): Metadata | undefined {
    return this.metadata[label];
  }
  /** The text kept for `label` (only with `storeText`), or undefined. */
  textOf(label: number): string | undefined {
    return this.texts[label];
  }

  /** Maps `id` to `label` (replacing an earlier label of the same id). */
  set(label: number, id: string, meta: Metadata | undefined, text?: string): void {
    this.changes++;
    const old = this.byId.get(id);
    if (old !== undefined) this.unmap(old);
    this.ids[label] = id;
    this.metadata[label] = meta;
    if (text !== undefined) this.texts[label] = text;
    this.byId.set(id, label);
  }

  /** Replaces the metadata of a live label. */
  setMetadata(label: number, meta: Metadata | undefined): void {
    this.changes++;
    this.metadata[label] = meta;
  }

  /** Removes `id`; returns its label, or undefined if absent. */
  remove(id: string): number | undefined {
    const label = this.byId.get(id);
    if (label !== undefined) {
      this.changes++;
      this.byId.delete(id);
      this.unmap(label);
    }
    return label;
  }

  /** Calls fn for every live record in label order. */
  forEachLive(fn: (label: number, meta: Metadata | undefined) => void): void {
    for (let label = 0; label < this.ids.length; label++) {
      if (this.ids[label] !== undefined) fn(label, this.metadata[label]);
    }
  }

  /**
   * Renumbers labels after a core compaction: `remap[old]` is the new label
   * of old label `old`, or `noLabel` for a tombstone. Ids, metadata and texts
   * move with their label. Throws (an internal error) when a live record has
   * no new label or a new label is out of range, leaving the table unchanged.
   */
  remap(remap: Uint32Array, noLabel: number, newCount: number): void {
    const ids: (string | undefined)[] = new Array(newCount);
    const metadata: (Metadata | undefined)[] = new Array(newCount);
    const texts: (string | undefined)[] = new Array(newCount);
    const byId = new Map<string, number>();
    for (let old = 0; old < this.ids.length; old++) {
      const id = this.ids[old];
      if (id === undefined) continue;
      const label = old < remap.length ? remap[old]! : noLabel;
      if (label === noLabel || label >= newCount || ids[label] !== undefined) {
        throw new MiniVectorDBError('INTERNAL', `compaction remap is inconsistent with the record table at label ${old}`);
      }
      ids[label] = id;
      metadata[label] = this.metadata[old];
      texts[label] = this.texts[old];
      byId.set(id, label);
    }
    this.changes++;
    this.ids = ids;
    this.metadata = metadata;
    this.texts = texts;
    this.byId = byId;
  }

  /**
   * MessagePack bytes of the table for `labelCount` labels, with the database's `settings`.
   * @throws OutOfMemoryError when the bytes cannot be allocated; MiniVectorDBError (`'INTERNAL'`)
   *   if the encoder fails otherwise (never expected: every record was checked against the limits).
   */
  encode(labelCount: number, settings?: object): Uint8Array {
    const ids: (string | null)[] = new Array(labelCount);
    const metadata: (Metadata | null)[] = new Array(labelCount);
    const texts: (string | null)[] = new Array(labelCount);
    let anyText = false;
    for (let i = 0; i < labelCount; i++) {
      const live = this.ids[i] !== undefined;
      ids[i] = this.ids[i] ?? null;
      metadata[i] = live ? (this.metadata[i] ?? null) : null;
      texts[i] = live ? (this.texts[i] ?? null) : null;
      anyText ||= texts[i] !== null;
    }
    try {
      return encode({ format: FORMAT, minor: MINOR, ids, metadata, ...(anyText ? { texts } : {}), ...(settings ? { settings } : {}) });
    } catch (cause) {
      throw asTypedError(cause, 'cannot encode the record table');
    }
  }

  /**
   * Parses a table written by {@link RecordTable.encode} and checks it against
   * the core index: one entry per label, an id exactly for each live label,
   * ids unique, and every record within the limits insert enforces
   * (`limits.ts`: id length, metadata types, depth and size), so whatever
   * opens can be read, updated and saved again. Throws SnapshotError.
   */
  static decode(bytes: Uint8Array, labelCount: number, isDeleted: (label: number) => boolean): { table: RecordTable; settings: unknown } {
    let raw: unknown;
    try {
      raw = decode(bytes);
    } catch (cause) {
      throw new SnapshotError(`USER section is not valid MessagePack: ${String(cause)}`, 'SNAPSHOT_CORRUPT', { cause });
    }
    const o = raw as { format?: unknown; ids?: unknown; metadata?: unknown; texts?: unknown; settings?: unknown } | null;
    if (typeof o !== 'object' || o === null) throw new SnapshotError('USER section does not hold a record table');
    if (o.format !== FORMAT) {
      throw new SnapshotError(`record table format ${String(o.format)} is not supported (expected ${FORMAT})`, 'SNAPSHOT_VERSION');
    }
    const { ids, metadata, texts } = o;
    if (!Array.isArray(ids) || !Array.isArray(metadata) || ids.length !== labelCount || metadata.length !== labelCount) {
      throw new SnapshotError(`record table must list ${labelCount} labels`);
    }
    if (texts !== undefined && (!Array.isArray(texts) || texts.length !== labelCount)) {
      throw new SnapshotError(`record table texts must list ${labelCount} labels`);
    }
    const t = new RecordTable();
    for (let label = 0; label < labelCount; label++) {
      const id: unknown = ids[label];
      const meta: unknown = metadata[label];
      const live = !isDeleted(label);
      if (!live) {
        if (id !== null) throw new SnapshotError(`label ${label} is deleted in the index but has id ${JSON.stringify(id)}`);
        continue;
      }
      if (typeof id !== 'string' || id.length === 0) throw new SnapshotError(`live label ${label} has no valid id`);
      if (id.length > MAX_ID_LENGTH) throw new SnapshotError(`id of label ${label} is ${id.length} characters long; ids may have at most ${MAX_ID_LENGTH}`);
      if (t.byId.has(id)) throw new SnapshotError(`id ${JSON.stringify(id)} appears twice`);
      if (meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
        throw new SnapshotError(`metadata of label ${label} is not an object`);
      }
      let checked: Metadata | undefined;
      try {
        // The same check (and limits) as insert; the decoded tree may hold
        // MessagePack types insert never accepts (bin → Uint8Array, timestamp → Date).
        checked = meta === null ? undefined : checkMetadata(meta, `metadata of label ${label}`);
      } catch (cause) {
        throw new SnapshotError(`record ${JSON.stringify(id)}: ${(cause as Error).message}`, 'SNAPSHOT_CORRUPT', { cause });
      }
      const text: unknown = texts?.[label] ?? null;
      if (text !== null && typeof text !== 'string') throw new SnapshotError(`text of label ${label} is not a string`);
      t.set(label, id, checked, text ?? undefined);
    }
    return { table: t, settings: o.settings };
  }

  private unmap(label: number): void {
    this.ids[label] = undefined;
    this.metadata[label] = undefined;
    this.texts[label] = undefined;
  }
}
