/**
 * TextIndex: the BM25 index of a database that keeps texts — what each
 * record contributes (its stored text, plus the string values of weighted
 * metadata fields), the `textIndex` option and what snapshots keep of it.
 *
 * Snapshots keep the settings (k1, b, fields; `false` when turned off) in
 * the record table's `settings.textIndex` and the documents' terms in
 * `settings.textPostings` (`stored-index.ts`), from which `open()` rebuilds
 * the postings without analysing the texts. Without them (snapshots written
 * before the text index, record table minor version 0, or by another
 * analyzer version) the index is built from the stored texts and metadata,
 * with the defaults for a snapshot that had no text index but keeps texts.
 * Measured on the web demo's 63,698 texts (Node 20, shared 2-vCPU machine at
 * a load of 6): 0.8 s from the stored terms, 2.2 s from the texts.
 * @internal
 */
import { InvalidArgumentError, SnapshotError } from '../errors.js';
import { pathGetter } from '../filter.js';
import type { RecordTable } from '../records.js';
import type { Metadata, TextIndexOptions } from '../types.js';
import { checkKnownKeys, checkObject, describe } from '../check.js';
import { Bm25Index, type Bm25Hits, type WeightedTerms } from './bm25.js';
import { decodeStoredIndex, encodeStoredIndex } from './stored-index.js';
import { tokenize } from './tokenizer.js';

/** The usual defaults (Robertson & Zaragoza 2009, §3.3; Lucene's, Elasticsearch's). */
export const DEFAULT_K1 = 1.2;
export const DEFAULT_B = 0.75;
const OPTION_KEYS = ['k1', 'b', 'fields'] as const;
/** Most metadata fields one index may weight (each is read from every record). */
const MAX_FIELDS = 16;

/** What a snapshot keeps of the text index (every key present). */
export interface TextIndexSettings {
  k1: number;
  b: number;
  /** Metadata dot paths → weight of their string values (the text's weight is 1). */
  fields: Record<string, number>;
}

/**
 * Checks the `textIndex` create option. With `storeText` it defaults to on
 * with the usual parameters; without, asking for it is an error (the index
 * is rebuilt from stored texts on open).
 * @returns the settings, or undefined when there is no text index.
 */
export function checkTextIndexOption(option: unknown, storeText: boolean): TextIndexSettings | undefined {
  if (option === false) return undefined;
  if (option === undefined && !storeText) return undefined;
  if (!storeText) throw new InvalidArgumentError('textIndex needs storeText: true (the BM25 index is built from the stored texts)');
  if (option === undefined || option === true) return { k1: DEFAULT_K1, b: DEFAULT_B, fields: {} };
  checkObject(option, 'textIndex');
  checkKnownKeys(option as object, OPTION_KEYS, 'textIndex');
  const o = option as TextIndexOptions;
  return {
    k1: checkNumber(o.k1 ?? DEFAULT_K1, 'textIndex.k1', 0, 1000),
    b: checkNumber(o.b ?? DEFAULT_B, 'textIndex.b', 0, 1),
    fields: checkFields(o.fields ?? {}),
  };
}

/**
 * The text index settings of an opened snapshot: saved ones; for a snapshot
 * from before the text index (record table minor 0) that keeps texts, the
 * defaults; undefined when turned off or when the texts are not kept.
 * @throws SnapshotError when the saved settings are malformed.
 */
export function readTextIndexSettings(saved: unknown, storeText: boolean): TextIndexSettings | undefined {
  try {
    return checkTextIndexOption(saved ?? undefined, storeText);
  } catch (cause) {
    throw new SnapshotError(`text index settings: ${cause instanceof Error ? cause.message : String(cause)}`, 'SNAPSHOT_CORRUPT', { cause });
  }
}

function checkNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

function checkFields(fields: unknown): Record<string, number> {
  checkObject(fields, 'textIndex.fields');
  const out: Record<string, number> = {};
  const keys = Object.keys(fields as object);
  if (keys.length > MAX_FIELDS) throw new InvalidArgumentError(`textIndex.fields may name at most ${MAX_FIELDS} paths, got ${keys.length}`);
  for (const path of keys) {
    if (path === '' || path.startsWith('$') || path.split('.').some((s) => s === '')) {
      throw new InvalidArgumentError(`textIndex.fields: ${JSON.stringify(path)} is not a metadata dot path`);
    }
    const weight = (fields as Record<string, unknown>)[path];
    out[path] = checkNumber(weight, `textIndex.fields.${path}`, Number.MIN_VALUE, 1000);
  }
  return out;
}

export class TextIndex {
  readonly settings: TextIndexSettings;
  #bm25: Bm25Index;
  #fields: { get: ReturnType<typeof pathGetter>; weight: number }[];

  constructor(settings: TextIndexSettings, bm25?: Bm25Index) {
    this.settings = settings;
    this.#bm25 = bm25 ?? new Bm25Index({ k1: settings.k1, b: settings.b });
    this.#fields = Object.entries(settings.fields).map(([path, weight]) => ({ get: pathGetter(path), weight }));
  }

  /** A text index over every live record of `records`. */
  static build(settings: TextIndexSettings, records: RecordTable): TextIndex {
    const index = new TextIndex(settings);
    records.forEachLive((label, meta) => index.set(label, records.textOf(label), meta));
    return index;
  }

  /**
   * The index of an opened snapshot: from its stored documents when it has
   * usable ones, else built from `records`.
   * @throws SnapshotError when the stored documents are malformed.
   */
  static restore(settings: TextIndexSettings, stored: unknown, records: RecordTable, labelCount: number): TextIndex {
    const docs = decodeStoredIndex(stored, labelCount, (label) => records.idOf(label) !== undefined);
    if (docs === undefined) return TextIndex.build(settings, records);
    return new TextIndex(settings, Bm25Index.fromDocuments({ k1: settings.k1, b: settings.b }, docs));
  }

  /** What a snapshot keeps of the postings (see `stored-index.ts`). */
  stored(): Record<string, unknown> | undefined {
    return encodeStoredIndex(this.#bm25.exportDocuments());
  }

  /** Number of records in the index. */
  get size(): number {
    return this.#bm25.size;
  }

  /** (Re)indexes `label` from its text and metadata; a record with neither text nor a weighted field value is left out. */
  set(label: number, text: string | undefined, meta: Metadata | undefined): void {
    const fields: WeightedTerms[] = [];
    if (text !== undefined) fields.push({ terms: tokenize(text), weight: 1 });
    for (const { get, weight } of this.#fields) {
      const value = get(meta);
      const strings = Array.isArray(value) ? value.filter((v) => typeof v === 'string') : typeof value === 'string' ? [value] : [];
      for (const s of strings) fields.push({ terms: tokenize(s), weight });
    }
    if (fields.length === 0) this.#bm25.remove(label);
    else this.#bm25.add(label, fields);
  }

  remove(label: number): void {
    this.#bm25.remove(label);
  }

  remap(remap: Uint32Array, noLabel: number): void {
    this.#bm25.remap(remap, noLabel);
  }

  /** The best `n` records for `query` (analysed like the texts), BM25 scores, best first. */
  search(query: string, n: number, allowed?: Uint32Array): Bm25Hits {
    return this.#bm25.search(tokenize(query), n, allowed);
  }
}
