/**
 * The BM25 index in a snapshot: its documents as flat little-endian arrays
 * (`Bm25Index.exportDocuments`), so `open()` rebuilds the postings without
 * analysing the texts again. Kept in the record table's
 * `settings.textPostings` as
 * `{ analyzer, terms: string[], labels: u32[], lengths: f64[], counts: u32[], termIndexes: u32[], tfs: f64[] }`
 * (each array as MessagePack bytes). Read back only when `analyzer` equals
 * {@link ANALYZER_VERSION} (the terms depend on the tokenizer); otherwise,
 * or when absent (older snapshots), the index is built from the texts.
 * Everything is checked before use: sizes against each other, labels
 * ascending and live, term indexes in range and distinct per document,
 * numbers finite — a snapshot is data, never trusted.
 * @internal
 */
import { SnapshotError } from '../errors.js';
import type { StoredDocuments } from './bm25.js';

/** Version of the analyzer (tokenizer.ts) whose terms a snapshot holds; raise it when the terms of a text change. */
export const ANALYZER_VERSION = 1;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The snapshot form of `docs`. */
export function encodeStoredIndex(docs: StoredDocuments): Record<string, unknown> | undefined {
  if (!LITTLE_ENDIAN) return undefined; // the texts are in the snapshot: a big-endian reader rebuilds from them
  const bytes = (a: Uint32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return {
    analyzer: ANALYZER_VERSION,
    terms: docs.terms,
    labels: bytes(docs.labels),
    lengths: bytes(docs.lengths),
    counts: bytes(docs.counts),
    termIndexes: bytes(docs.termIndexes),
    tfs: bytes(docs.tfs),
  };
}

function corrupt(what: string): SnapshotError {
  return new SnapshotError(`stored text index: ${what}`);
}

/** Copies MessagePack bytes into a typed array of `size`-byte elements (the bytes may be unaligned). */
function typed<T extends Uint32Array | Float64Array>(raw: unknown, make: new (n: number) => T, size: 4 | 8, name: string): T {
  if (!(raw instanceof Uint8Array)) throw corrupt(`${name} is not binary`);
  if (raw.byteLength % size !== 0) throw corrupt(`${name} is not a whole number of ${size}-byte values`);
  const out = new make(raw.byteLength / size);
  new Uint8Array(out.buffer).set(raw);
  return out;
}

/**
 * The stored documents of a snapshot, checked; undefined when there are none
 * to use (absent, another analyzer version, a big-endian machine).
 * @throws SnapshotError when they are malformed.
 */
export function decodeStoredIndex(raw: unknown, labelCount: number, isLive: (label: number) => boolean): StoredDocuments | undefined {
  if (raw === undefined || raw === null || !LITTLE_ENDIAN) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw corrupt('not an object');
  const o = raw as Record<string, unknown>;
  if (o.analyzer !== ANALYZER_VERSION) return undefined;
  const terms = o.terms;
  if (!Array.isArray(terms) || !terms.every((t) => typeof t === 'string')) throw corrupt('terms is not a list of strings');
  if (new Set(terms).size !== terms.length) throw corrupt('a term appears twice');
  const docs: StoredDocuments = {
    terms: terms as string[],
    labels: typed(o.labels, Uint32Array, 4, 'labels'),
    lengths: typed(o.lengths, Float64Array, 8, 'lengths'),
    counts: typed(o.counts, Uint32Array, 4, 'counts'),
    termIndexes: typed(o.termIndexes, Uint32Array, 4, 'termIndexes'),
    tfs: typed(o.tfs, Float64Array, 8, 'tfs'),
  };
  const n = docs.labels.length;
  if (docs.lengths.length !== n || docs.counts.length !== n) throw corrupt('labels, lengths and counts differ in length');
  let total = 0;
  for (let i = 0; i < n; i++) total += docs.counts[i]!;
  if (docs.termIndexes.length !== total || docs.tfs.length !== total) throw corrupt(`counts add up to ${total}, not to the ${docs.termIndexes.length} term entries`);
  const seen = new Int32Array(terms.length).fill(-1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const label = docs.labels[i]!;
    if (label >= labelCount || !isLive(label)) throw corrupt(`label ${label} is not a live record`);
    if (i > 0 && label <= docs.labels[i - 1]!) throw corrupt('labels are not ascending');
    const length = docs.lengths[i]!;
    if (!Number.isFinite(length) || length < 0) throw corrupt(`length of label ${label} is ${length}`);
    for (const end = at + docs.counts[i]!; at < end; at++) {
      const t = docs.termIndexes[at]!;
      if (t >= terms.length) throw corrupt(`term index ${t} of label ${label} is out of range`);
      if (seen[t] === i) throw corrupt(`label ${label} lists a term twice`);
      seen[t] = i;
      const tf = docs.tfs[at]!;
      if (!Number.isFinite(tf) || tf <= 0) throw corrupt(`a term frequency of label ${label} is ${tf}`);
    }
  }
  return docs;
}
