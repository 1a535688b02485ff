/**
 * FilterPlanner: turns a filter into the live labels that match it, as the
 * bitset handed to the core search ({@link FilterPlanner.bitset}) or as a
 * list ({@link FilterPlanner.labels}).
 *
 * Without help it evaluates the compiled predicate on every live record. For
 * equality conjuncts (`path: value`, `$eq`, `$in`; see `equalityHints`) it
 * keeps lazy per-path inverted indexes — each scalar value found at the path
 * (array elements included) → the live labels holding it, ascending — and
 * for range conjuncts (`$gt`, `$gte`, `$lt`, `$lte`; see `rangeHints`) lazy
 * per-path sorted-value indexes (`range-index.ts`: numbers and strings
 * apart, a range is two binary searches). It takes the smallest candidate
 * set any index gives and evaluates the full predicate only on those labels.
 * An index is built the second time a path is filtered on (with that kind
 * of operator) with no write in between, so read-heavy workloads get it and
 * alternating insert/query workloads never pay for one. Every insert or
 * upsert drops all indexes ({@link FilterPlanner.invalidate}) — inserts may
 * reuse a deleted record's label; deletes need not, because each candidate
 * label is checked to be live before its metadata are tested.
 * Measured on 100k records (dim 64, Node 20): a search filtered on an
 * equality matching 1% took 3.0 ms with the scan and 0.35 ms with the index.
 * Filters without an equality or range conjunct (`$or`, `$ne`, `$exists`) always scan.
 *
 * The last few bitsets are cached by the filter's JSON text (of its plain
 * copy, `plain.ts`: canonical once compiled) and the record
 * table's version (any write changes it), so a run of searches with one
 * filter — the usual pattern — evaluates it once: the per-query cost of a
 * filter is then a bitset copy into WebAssembly memory, and the walk tests
 * one bit per visited node (no JS callback per node, as hnswlib's filter
 * functions need).
 * @internal
 */
import { compileFilter, equalityHints, pathGetter, rangeHints, type FilterPredicate, type Scalar } from '../filter.js';
import type { RecordTable } from '../records.js';
import type { LabelBitset } from '../wasm/core-index.js';
import { readFilter } from './plain.js';
import { buildRangeIndex, rangeCandidates, type RangeIndex } from './range-index.js';

/** At most this many paths are indexed at once. */
const MAX_INDEXES = 16;
/** A path gets an index on its n-th use without a write in between. */
const BUILD_ON_USE = 2;
/** Bitsets kept for repeated filters (each n/8 bytes for n labels). */
const CACHED_BITSETS = 8;

type Postings = Map<Scalar, number[]>;

export class FilterPlanner {
  #indexes = new Map<string, Postings>();
  #ranges = new Map<string, RangeIndex>();
  /** Uses per path since the last write: `=path` for equality, `<path` for ranges. */
  #uses = new Map<string, number>();
  /** Recent bitsets by filter JSON, oldest first (Map order), valid for one table version and label count. */
  #cache = new Map<string, { version: number; labelCount: number; bitset: LabelBitset }>();

  /** Drops every index; call before records are added or their metadata replaced (deletes may skip it). */
  invalidate(): void {
    if (this.#indexes.size > 0) this.#indexes.clear();
    if (this.#ranges.size > 0) this.#ranges.clear();
    if (this.#uses.size > 0) this.#uses.clear();
    if (this.#cache.size > 0) this.#cache.clear();
  }

  /**
   * Bitset (bit i of word i/32) of the live labels below `labelCount` matching `filter`, and their count.
   * The result may be shared with later calls (cached): do not modify it.
   * @throws InvalidArgumentError on a malformed filter.
   */
  bitset(filter: unknown, records: RecordTable, labelCount: number): LabelBitset {
    const plain = readFilter(filter); // read once: the test, the hints and the key see the same filter
    filter = plain.data;
    const test = compileFilter(filter); // checks the filter before anything else (and before JSON.stringify)
    const key = plain.key();
    const hit = this.#cache.get(key);
    if (hit !== undefined && hit.version === records.version && hit.labelCount === labelCount) {
      this.#cache.delete(key); // most recently used goes last
      this.#cache.set(key, hit);
      return hit.bitset;
    }
    const words = new Uint32Array(Math.max(1, Math.ceil(labelCount / 32)));
    let count = 0;
    this.#select(filter, test, records, (label) => {
      const bit = 1 << (label & 31);
      if ((words[label >>> 5]! & bit) === 0) {
        words[label >>> 5]! |= bit;
        count++;
      }
    });
    const bitset = { words, count };
    this.#cache.delete(key);
    if (this.#cache.size >= CACHED_BITSETS) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, { version: records.version, labelCount, bitset });
    return bitset;
  }

  /**
   * The live labels matching `filter`, ascending.
   * @throws InvalidArgumentError on a malformed filter.
   */
  labels(filter: unknown, records: RecordTable): number[] {
    filter = readFilter(filter).data;
    const out: number[] = [];
    let sorted = true;
    this.#select(filter, compileFilter(filter), records, (label) => {
      if (out.length > 0 && label <= out[out.length - 1]!) sorted = false;
      out.push(label);
    });
    if (sorted) return out;
    out.sort((a, b) => a - b);
    return out.filter((label, i) => i === 0 || label !== out[i - 1]);
  }

  /** Calls `visit` for each live label matching `filter` (a label may come twice when several index values list it). */
  #select(filter: unknown, test: FilterPredicate, records: RecordTable, visit: (label: number) => void): void {
    const candidates = this.#candidates(filter, records);
    if (candidates === undefined) {
      records.forEachLive((label, meta) => {
        if (test(meta)) visit(label);
      });
      return;
    }
    // Labels deleted since the index was built are skipped; when the filter
    // is just the indexed equality, being listed (and live) is matching.
    const { lists, whole } = candidates;
    for (const list of lists) {
      for (let i = 0; i < list.length; i++) {
        const label = list[i]!;
        if (records.idOf(label) !== undefined && (whole || test(records.metadataOf(label)))) visit(label);
      }
    }
  }

  /** The smallest set of label lists that covers every match, or undefined when no index applies. */
  #candidates(filter: unknown, records: RecordTable): { lists: ArrayLike<number>[]; whole: boolean } | undefined {
    let best: { lists: ArrayLike<number>[]; whole: boolean } | undefined;
    let bestSize = Infinity;
    const consider = (lists: ArrayLike<number>[], whole: boolean): void => {
      const size = lists.reduce((n, l) => n + l.length, 0);
      if (size < bestSize) {
        best = { lists, whole };
        bestSize = size;
      }
    };
    for (const { path, values, whole } of equalityHints(filter)) {
      const index = this.#index(path, records);
      if (index !== undefined) consider(values.map((v) => index.get(v) ?? []), whole);
    }
    for (const hint of rangeHints(filter)) {
      const index = this.#rangeIndex(hint.path, records);
      if (index !== undefined) consider(rangeCandidates(index, hint), false);
    }
    return best;
  }

  /** True when an index of `key` may be built now: its BUILD_ON_USE-th use, and room left. */
  #due(key: string): boolean {
    const uses = (this.#uses.get(key) ?? 0) + 1;
    this.#uses.set(key, uses);
    return uses >= BUILD_ON_USE && this.#indexes.size + this.#ranges.size < MAX_INDEXES;
  }

  /** The sorted-value index of `path`, built on its BUILD_ON_USE-th range use; undefined before. */
  #rangeIndex(path: string, records: RecordTable): RangeIndex | undefined {
    const have = this.#ranges.get(path);
    if (have !== undefined) return have;
    if (!this.#due(`<${path}`)) return undefined;
    const index = buildRangeIndex((fn) => records.forEachLive(fn), pathGetter(path));
    this.#ranges.set(path, index);
    return index;
  }

  /** The equality index of `path`, built on its BUILD_ON_USE-th use; undefined before. */
  #index(path: string, records: RecordTable): Postings | undefined {
    const have = this.#indexes.get(path);
    if (have !== undefined) return have;
    if (!this.#due(`=${path}`)) return undefined;
    const get = pathGetter(path);
    const postings: Postings = new Map();
    const add = (value: unknown, label: number): void => {
      if (value !== null && typeof value === 'object') return; // only scalars are matched by equality
      const list = postings.get(value as Scalar);
      if (list === undefined) postings.set(value as Scalar, [label]);
      else if (list[list.length - 1] !== label) list.push(label);
    };
    records.forEachLive((label, meta) => {
      const v = get(meta);
      if (v === undefined) return;
      if (Array.isArray(v)) for (const e of v) add(e, label);
      else add(v, label);
    });
    this.#indexes.set(path, postings);
    return postings;
  }
}
