/**
 * Bm25Index: an inverted index over analysed documents, scored with Okapi
 * BM25 (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework:
 * BM25 and Beyond", eq. 3.15) in its field-weighted form BM25F (Robertson,
 * Zaragoza & Taylor 2004, "Simple BM25 extension to multiple weighted
 * fields"): a document's term frequency and length are the weighted sums
 * over its fields, then saturated once.
 *
 *   score(d, q) = Σ_{t ∈ q, unique} idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 *
 * with tf(t,d) = Σ_f w_f·count(t in field f of d), |d| = Σ_f w_f·(terms in f),
 * avgdl the mean |d| and N the number of documents (the +1 inside the log,
 * as in Lucene, keeps idf positive for terms in more than half the documents).
 *
 * Documents are keyed by the database's labels. Each gets an internal
 * sequence number; postings list sequence numbers, so a label reused by a
 * new record never meets the old record's postings. Removing a document
 * only marks its sequence number dead (its df and length are taken out at
 * once); when dead ones outnumber live ones the postings are rebuilt from
 * the kept per-document term lists (amortised O(1) per change).
 * @internal
 */

/** BM25's free parameters. */
export interface Bm25Params {
  /** Term-frequency saturation, ≥ 0. */
  k1: number;
  /** Length normalisation, in [0, 1]. */
  b: number;
}

/** One field of a document: its terms (repeats are frequencies) and its weight (> 0). */
export interface WeightedTerms {
  terms: readonly string[];
  weight: number;
}

/** The documents of an index as flat arrays; see {@link Bm25Index.exportDocuments}. */
export interface StoredDocuments {
  terms: string[];
  labels: Uint32Array;
  lengths: Float64Array;
  counts: Uint32Array;
  termIndexes: Uint32Array;
  tfs: Float64Array;
}

/** Ranked labels with their BM25 scores, best first. */
export interface Bm25Hits {
  labels: number[];
  scores: number[];
}

/** A growable list of (sequence number, weighted tf). */
class Postings {
  docs = new Int32Array(4);
  tfs = new Float64Array(4);
  size = 0;

  push(seq: number, tf: number): void {
    if (this.size === this.docs.length) {
      const docs = new Int32Array(this.size * 2);
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Float64Array(this.size * 2);
      tfs.set(this.tfs);
      this.tfs = tfs;
    }
    this.docs[this.size] = seq;
    this.tfs[this.size++] = tf;
  }
}

/** Rebuild the postings when dead documents exceed live ones and this many. */
const MIN_DEAD_FOR_PURGE = 1024;

export class Bm25Index {
  readonly params: Readonly<Bm25Params>;
  #termIds = new Map<string, number>();
  /** Per term id: live documents holding it, and its postings. */
  #df: number[] = [];
  #postings: Postings[] = [];
  /** Per sequence number: its label (−1 once removed), weighted length, term ids and weighted tfs. */
  #docLabel: number[] = [];
  #docLength: number[] = [];
  #docTerms: (Uint32Array | undefined)[] = [];
  #docTfs: (Float64Array | undefined)[] = [];
  #seqOf = new Map<number, number>();
  #totalLength = 0;
  #dead = 0;
  /** Scratch weighted tf per term id, all zeros between adds (weights are > 0). */
  #tfScratch = new Float64Array(0);
  /** Scratch accumulator per sequence number, all zeros between searches. */
  #scratch = new Float64Array(0);

  constructor(params: Bm25Params) {
    this.params = { k1: params.k1, b: params.b };
  }

  /** Number of documents (live labels in the index). */
  get size(): number {
    return this.#seqOf.size;
  }

  /** Indexes `fields` as the document of `label`, replacing the one it had. */
  add(label: number, fields: readonly WeightedTerms[]): void {
    this.remove(label);
    // The document's distinct term ids in first-seen order, their weighted tfs summed in #tfScratch.
    const ids: number[] = [];
    let length = 0;
    for (const { terms, weight } of fields) {
      for (const term of terms) {
        let id = this.#termIds.get(term);
        if (id === undefined) {
          id = this.#df.length;
          this.#termIds.set(term, id);
          this.#df.push(0);
          this.#postings.push(new Postings());
        }
        if (id >= this.#tfScratch.length) {
          const grown = new Float64Array(Math.max(1024, 2 * (id + 1)));
          grown.set(this.#tfScratch);
          this.#tfScratch = grown;
        }
        if (this.#tfScratch[id] === 0) ids.push(id);
        this.#tfScratch[id]! += weight;
      }
      length += weight * terms.length;
    }
    const seq = this.#docLabel.length;
    const termIds = Uint32Array.from(ids);
    const tfs = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const f = this.#tfScratch[id]!;
      this.#tfScratch[id] = 0;
      tfs[i] = f;
      this.#df[id]!++;
      this.#postings[id]!.push(seq, f);
    }
    this.#docLabel.push(label);
    this.#docLength.push(length);
    this.#docTerms.push(termIds);
    this.#docTfs.push(tfs);
    this.#seqOf.set(label, seq);
    this.#totalLength += length;
  }

  /** Removes the document of `label` (nothing when it has none). */
  remove(label: number): void {
    const seq = this.#seqOf.get(label);
    if (seq === undefined) return;
    this.#seqOf.delete(label);
    for (const id of this.#docTerms[seq]!) this.#df[id]!--;
    this.#totalLength -= this.#docLength[seq]!;
    this.#docLabel[seq] = -1;
    this.#docTerms[seq] = undefined;
    this.#docTfs[seq] = undefined;
    if (++this.#dead > this.#seqOf.size && this.#dead >= MIN_DEAD_FOR_PURGE) this.#purge();
  }

  /** Moves documents to new labels after a compaction: `remap[old]` is the new label, or `noLabel` (then it is removed). */
  remap(remap: Uint32Array, noLabel: number): void {
    const newLabel = (label: number): number => (label < remap.length ? remap[label]! : noLabel);
    for (const label of [...this.#seqOf.keys()]) if (newLabel(label) === noLabel) this.remove(label);
    const seqOf = new Map<number, number>();
    for (const [label, seq] of this.#seqOf) {
      const to = newLabel(label);
      this.#docLabel[seq] = to;
      seqOf.set(to, seq);
    }
    this.#seqOf = seqOf;
  }

  /**
   * Every document, by ascending label, as flat arrays (the snapshot form,
   * see `stored-index.ts`): `terms` the dictionary of the terms in use;
   * per document its label, weighted length and number of distinct terms;
   * then all documents' term indexes into `terms` and weighted tfs, in order.
   */
  exportDocuments(): StoredDocuments {
    const labels = [...this.#seqOf.keys()].sort((x, y) => x - y);
    const dictionary = new Map<number, number>();
    const termNames = [...this.#termIds.keys()];
    const terms: string[] = [];
    let total = 0;
    for (const label of labels) total += this.#docTerms[this.#seqOf.get(label)!]!.length;
    const out: StoredDocuments = {
      terms,
      labels: Uint32Array.from(labels),
      lengths: new Float64Array(labels.length),
      counts: new Uint32Array(labels.length),
      termIndexes: new Uint32Array(total),
      tfs: new Float64Array(total),
    };
    let at = 0;
    labels.forEach((label, i) => {
      const seq = this.#seqOf.get(label)!;
      const ids = this.#docTerms[seq]!;
      const tfs = this.#docTfs[seq]!;
      out.lengths[i] = this.#docLength[seq]!;
      out.counts[i] = ids.length;
      for (let j = 0; j < ids.length; j++) {
        let index = dictionary.get(ids[j]!);
        if (index === undefined) {
          index = terms.length;
          dictionary.set(ids[j]!, index);
          terms.push(termNames[ids[j]!]!);
        }
        out.termIndexes[at] = index;
        out.tfs[at++] = tfs[j]!;
      }
    });
    return out;
  }

  /**
   * An index holding exactly `docs` (as {@link exportDocuments} wrote them,
   * already checked by the caller): the same postings, tfs and lengths, so
   * the same scores as the index that was exported.
   */
  static fromDocuments(params: Bm25Params, docs: StoredDocuments): Bm25Index {
    const index = new Bm25Index(params);
    const nTerms = docs.terms.length;
    // Term ids are the stored term indexes; postings get their exact sizes up front (no regrowth).
    const df = new Int32Array(nTerms);
    for (let i = 0; i < docs.termIndexes.length; i++) df[docs.termIndexes[i]!]!++;
    for (let id = 0; id < nTerms; id++) {
      index.#termIds.set(docs.terms[id]!, id);
      index.#df.push(df[id]!);
      const p = new Postings();
      p.docs = new Int32Array(Math.max(1, df[id]!));
      p.tfs = new Float64Array(Math.max(1, df[id]!));
      index.#postings.push(p);
    }
    let at = 0;
    for (let seq = 0; seq < docs.labels.length; seq++) {
      const end = at + docs.counts[seq]!;
      for (let j = at; j < end; j++) index.#postings[docs.termIndexes[j]!]!.push(seq, docs.tfs[j]!);
      index.#docLabel.push(docs.labels[seq]!);
      index.#docLength.push(docs.lengths[seq]!);
      index.#docTerms.push(docs.termIndexes.subarray(at, end));
      index.#docTfs.push(docs.tfs.subarray(at, end));
      index.#seqOf.set(docs.labels[seq]!, seq);
      index.#totalLength += docs.lengths[seq]!;
      at = end;
    }
    return index;
  }

  /**
   * The best `n` documents for the query terms (each counted once), best
   * first; ties by ascending label. Only documents with at least one query
   * term score.
   * @param allowed - when given, a bitset over labels (bit `l & 31` of word `l >>> 5`): other labels are skipped.
   */
  search(terms: readonly string[], n: number, allowed?: Uint32Array): Bm25Hits {
    const N = this.#seqOf.size;
    if (N === 0 || n <= 0) return { labels: [], scores: [] };
    const { k1, b } = this.params;
    const avgdl = this.#totalLength / N;
    if (this.#scratch.length < this.#docLabel.length) this.#scratch = new Float64Array(this.#docLabel.length);
    const acc = this.#scratch;
    const touched: number[] = [];
    for (const term of new Set(terms)) {
      const id = this.#termIds.get(term);
      if (id === undefined || this.#df[id] === 0) continue;
      const df = this.#df[id]!;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      const p = this.#postings[id]!;
      for (let i = 0; i < p.size; i++) {
        const seq = p.docs[i]!;
        const label = this.#docLabel[seq]!;
        if (label < 0) continue;
        if (allowed !== undefined && ((allowed[label >>> 5] ?? 0) & (1 << (label & 31))) === 0) continue;
        const tf = p.tfs[i]!;
        const norm = avgdl > 0 ? 1 - b + (b * this.#docLength[seq]!) / avgdl : 1;
        if (acc[seq] === 0) touched.push(seq);
        acc[seq]! += (idf * tf * (k1 + 1)) / (tf + k1 * norm);
      }
    }
    const labels = this.#docLabel;
    touched.sort((x, y) => acc[y]! - acc[x]! || labels[x]! - labels[y]!);
    const m = Math.min(n, touched.length);
    const out: Bm25Hits = { labels: new Array(m), scores: new Array(m) };
    for (let i = 0; i < m; i++) {
      out.labels[i] = labels[touched[i]!]!;
      out.scores[i] = acc[touched[i]!]!;
    }
    for (const seq of touched) acc[seq] = 0;
    return out;
  }

  /** Renumbers live documents densely and rebuilds every posting list without the dead ones. */
  #purge(): void {
    const docLabel: number[] = [];
    const docLength: number[] = [];
    const docTerms: Uint32Array[] = [];
    const docTfs: Float64Array[] = [];
    const postings = this.#postings.map(() => new Postings());
    for (let seq = 0; seq < this.#docLabel.length; seq++) {
      const label = this.#docLabel[seq]!;
      if (label < 0) continue;
      const next = docLabel.length;
      const ids = this.#docTerms[seq]!;
      const tfs = this.#docTfs[seq]!;
      for (let i = 0; i < ids.length; i++) postings[ids[i]!]!.push(next, tfs[i]!);
      docLabel.push(label);
      docLength.push(this.#docLength[seq]!);
      docTerms.push(ids);
      docTfs.push(tfs);
      this.#seqOf.set(label, next);
    }
    this.#docLabel = docLabel;
    this.#docLength = docLength;
    this.#docTerms = docTerms;
    this.#docTfs = docTfs;
    this.#postings = postings;
    this.#dead = 0;
    this.#scratch = new Float64Array(0);
  }
}
