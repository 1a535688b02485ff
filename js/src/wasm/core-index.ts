/**
 * CoreIndex: the TypeScript side of the Embind boundary. It owns the heap
 * buffers it allocates (scratch reused across calls, freed on dispose),
 * re-reads heap views after every call that can grow memory, copies results
 * out before the next call, and maps core status codes to typed errors in one
 * place.
 * @internal
 */
import { errorFromCore, InvalidArgumentError, OutOfMemoryError } from '../errors.js';
import type { Metric, Quantization } from '../types.js';
import { coreConstants, type CoreConstants, type VectorFaultName } from './constants.js';
import { heapBytes, MAX_ALLOCATION_BYTES, searchScratchBytes } from './heap-size.js';
import type { CoreModule, WasmIndex } from './minivectordb_core.mjs';
import { splitSnapshot, splitSnapshotAt, type PayloadRange, type SnapshotSplit } from './snapshot-split.js';
import { SNAPSHOT_READ_BYTES, type SnapshotSource } from '../storage/snapshot-source.js';

/** The metric names {@link CoreConfig} accepts (their core ids come from the module's `Metric` enum). */
export const METRIC_NAMES: readonly Metric[] = ['l2', 'ip', 'cosine'];

/** What an index is created with (`mvdb::IndexConfig`; ranges checked by the core). */
export interface CoreConfig {
  /** Vector dimension. */
  dim: number;
  metric: Metric;
  M: number;
  efConstruction: number;
  /** Default candidate list size of a search. */
  efSearch: number;
  seed: number;
  quantization: Quantization;
  /** int8: candidates re-ranked per result. */
  rerank: number;
  /** int8: keep the float32 rows. */
  keepFloat: boolean;
}

/** The first vector the core's value rule rejects (see {@link CoreIndex.checkVectors}). */
export interface VectorProblem {
  /** Index of the vector in the checked buffer, 0-based. */
  item: number;
  /** Why. */
  fault: VectorFaultName;
  /** The core's message, naming `item <i>` and the bad value's index or the squared norm. */
  message: string;
}

/** Result slots (nq·k) up to which a search sizes its buffers by k alone, without asking the core for its live count. */
const SMALL_RESULT_SLOTS = 4096;

/** Largest chunk {@link CoreIndex.serializeChunks} yields: `kStreamChunkBytes` of the core. */
export const SNAPSHOT_CHUNK_BYTES = 2 ** 20;

/** Entry of a compaction remap for a label that had no successor (a tombstone). */
export const NO_LABEL = 0xffffffff;

/** Labels and distances of one query, nearest first. */
export interface CoreHits {
  labels: Uint32Array;
  distances: Float32Array;
}

/** A label bitset (bit i of word i/32) and the number of live labels set in it. */
export interface LabelBitset {
  words: Uint32Array;
  count: number;
}

export class CoreIndex {
  private scratchPtr = 0;
  private scratchBytes = 0;
  private disposed = false;
  private dimension = 0; // 0 until read (before init the core's is 0 too)

  /** The core's limits and enums (read from the module once). */
  readonly constants: CoreConstants;

  private constructor(
    private readonly mod: CoreModule,
    readonly raw: WasmIndex,
  ) {
    this.constants = coreConstants(mod);
  }

  /** A new empty index. Throws InvalidArgumentError on a bad configuration (an unknown metric or quantization name, a value out of the core's range). */
  static create(mod: CoreModule, c: CoreConfig): CoreIndex {
    const index = new CoreIndex(mod, new mod.WasmIndex());
    try {
      const metric = Object.hasOwn(index.constants.metricIds, c.metric) ? index.constants.metricIds[c.metric] : undefined;
      const quantization = Object.hasOwn(index.constants.quantizationIds, c.quantization) ? index.constants.quantizationIds[c.quantization] : undefined;
      if (metric === undefined) throw new InvalidArgumentError(`unknown metric ${String(c.metric)}`);
      if (quantization === undefined) throw new InvalidArgumentError(`unknown quantization ${String(c.quantization)}`);
      index.check(index.raw.init(c.dim, metric, c.M, c.efConstruction, c.efSearch, c.seed, quantization, c.rerank, c.keepFloat));
    } catch (e) {
      index.dispose();
      throw e;
    }
    return index;
  }

  /**
   * Parses a snapshot; returns the index and a copy of its USER section.
   * The float32 rows, int8 codes and layer-0 links are copied straight into
   * the buffers the index keeps (`WasmIndex.prepareLoad`, see
   * `snapshot-split.ts`), the USER section stays in JavaScript (its CRC fed
   * through a window of at most 1 MiB), the rest of the bytes go into one
   * scratch block: the heap needs, beyond the index, only that rest (levels,
   * upper-layer links, tombstones: well under 1 % of a dim-1024 float32
   * image) and the window while the index is built. Throws SnapshotError,
   * OutOfMemoryError.
   */
  static load(mod: CoreModule, bytes: Uint8Array): { index: CoreIndex; user: Uint8Array } {
    const index = new CoreIndex(mod, new mod.WasmIndex());
    try {
      const split = splitSnapshot(bytes);
      if (split === undefined) {
        // Damaged section headers: the core reads the bytes whole and names the fault.
        const ptr = index.scratch(heapBytes('the snapshot', [bytes.byteLength]));
        index.mod.HEAPU8.set(bytes, ptr);
        index.check(index.raw.load(ptr, bytes.byteLength));
        const off = index.raw.userOffset() >>> 0;
        const user = bytes.slice(off, off + (index.raw.userSize() >>> 0));
        index.releaseScratch();
        return { index, user };
      }
      const { cut, vecsBytes, codesBytes, links0Bytes, userBytes } = cutSizes(split);
      const restBytes = heapBytes('the snapshot', [bytes.byteLength - vecsBytes - codesBytes - links0Bytes - userBytes]);
      heapBytes('the snapshot rows', [vecsBytes]);
      index.check(index.raw.prepareLoad(vecsBytes, codesBytes, links0Bytes, userBytes));
      const kept = split.user === undefined ? undefined : bytes.slice(split.user.start, split.user.end);
      if (kept !== undefined) index.feedLoadUser(kept);
      if (split.vecs !== undefined) index.mod.HEAPU8.set(bytes.subarray(split.vecs.start, split.vecs.end), index.raw.vecsAddress() >>> 0);
      if (split.codes !== undefined) index.mod.HEAPU8.set(bytes.subarray(split.codes.start, split.codes.end), index.raw.codesAddress() >>> 0);
      if (split.links0 !== undefined) index.mod.HEAPU8.set(bytes.subarray(split.links0.start, split.links0.end), index.raw.links0Address() >>> 0);
      const ptr = index.scratch(restBytes);
      // The views are taken after the scratch allocation: it may have grown the heap.
      let at = ptr;
      let from = 0;
      for (const range of [...cut, { start: bytes.byteLength, end: bytes.byteLength }]) {
        index.mod.HEAPU8.set(bytes.subarray(from, range.start), at);
        at += range.start - from;
        from = range.end;
      }
      index.check(index.raw.loadSplit(ptr, restBytes));
      const off = ptr + (index.raw.userOffset() >>> 0);
      const user = kept ?? index.mod.HEAPU8.slice(off, off + (index.raw.userSize() >>> 0));
      index.releaseScratch(); // the snapshot bytes are not needed any more
      return { index, user };
    } catch (e) {
      index.raw.releaseLoad();
      index.dispose();
      throw e;
    }
  }

  /**
   * {@link load} from a source read in pieces of at most
   * `SNAPSHOT_READ_BYTES` (`storage/snapshot-source.ts`): each piece is
   * copied into the heap before the next is read, the VECS and CODE payloads
   * and GRPH's layer-0 blocks straight into the buffers the index keeps,
   * USER into JavaScript, the rest into one scratch block, so JS never holds
   * the file. The core then checks everything, CRCs
   * included, as for {@link load}. Section headers that do not walk to the
   * end: the bytes are read whole and {@link load} names the fault.
   * Throws SnapshotError, OutOfMemoryError, and the source's StorageError; nothing is loaded then.
   */
  static async loadFrom(mod: CoreModule, source: SnapshotSource): Promise<{ index: CoreIndex; user: Uint8Array }> {
    const size = source.byteLength;
    const split = await splitSnapshotAt(size, (at, length) => source.read(at, length));
    if (split === undefined) return CoreIndex.load(mod, (await source.read(0, size)).slice());
    const index = new CoreIndex(mod, new mod.WasmIndex());
    try {
      const { cut, vecsBytes, codesBytes, links0Bytes, userBytes } = cutSizes(split);
      const restBytes = heapBytes('the snapshot', [size - vecsBytes - codesBytes - links0Bytes - userBytes]);
      heapBytes('the snapshot rows', [vecsBytes]);
      index.check(index.raw.prepareLoad(vecsBytes, codesBytes, links0Bytes, userBytes));
      // Every copy re-reads the heap view and the buffer's address: reading awaits, and memory may grow meanwhile.
      const copy = async (from: number, to: number, address: () => number): Promise<void> => {
        for (let at = from; at < to; at += SNAPSHOT_READ_BYTES) {
          const piece = await source.read(at, Math.min(SNAPSHOT_READ_BYTES, to - at));
          index.mod.HEAPU8.set(piece, address() + (at - from));
        }
      };
      if (split.vecs !== undefined) await copy(split.vecs.start, split.vecs.end, () => index.raw.vecsAddress() >>> 0);
      if (split.codes !== undefined) await copy(split.codes.start, split.codes.end, () => index.raw.codesAddress() >>> 0);
      if (split.links0 !== undefined) await copy(split.links0.start, split.links0.end, () => index.raw.links0Address() >>> 0);
      // USER (JavaScript's data) is read into JavaScript memory; only its CRC passes through the heap.
      let kept: Uint8Array | undefined;
      if (split.user !== undefined) {
        kept = new Uint8Array(userBytes);
        for (let at = 0; at < userBytes; at += SNAPSHOT_READ_BYTES) kept.set(await source.read(split.user.start + at, Math.min(SNAPSHOT_READ_BYTES, userBytes - at)), at);
        index.feedLoadUser(kept);
      }
      const ptr = index.scratch(restBytes);
      let into = 0;
      let from = 0;
      for (const range of [...cut, { start: size, end: size }]) {
        const at = into;
        await copy(from, range.start, () => ptr + at);
        into += range.start - from;
        from = range.end;
      }
      index.check(index.raw.loadSplit(ptr, restBytes));
      const off = ptr + (index.raw.userOffset() >>> 0);
      const user = kept ?? index.mod.HEAPU8.slice(off, off + (index.raw.userSize() >>> 0));
      index.releaseScratch();
      return { index, user };
    } catch (e) {
      index.raw.releaseLoad();
      index.dispose();
      throw e;
    }
  }

  get size(): number {
    return this.raw.size() >>> 0;
  }
  get deletedCount(): number {
    return this.raw.deletedCount() >>> 0;
  }
  /** Vector dimension (fixed once the index is created or loaded: read from the core once, as it is used on every call). */
  get dim(): number {
    if (this.dimension === 0) this.dimension = this.raw.dim();
    return this.dimension;
  }
  config(): CoreConfig {
    const r = this.raw;
    return {
      dim: r.dim(),
      metric: this.constants.metricName(r.metric())!,
      M: r.M(),
      efConstruction: r.efConstruction(),
      efSearch: r.efSearch(),
      seed: r.seed() >>> 0,
      quantization: this.constants.quantizationName(r.quantization())!,
      rerank: r.rerank(),
      keepFloat: r.keepFloat(),
    };
  }
  /** Bytes of vector storage per label: 4·dim (float32 rows, when held) + dim (int8 codes). */
  bytesPerVector(): number {
    return this.raw.bytesPerVector() >>> 0;
  }
  /** Fraction of int8-encoded values clipped to the frozen quantizer's range, in [0, 1]. */
  clippedFraction(): number {
    return this.raw.clippedFraction();
  }
  memoryBytes(): number {
    return this.raw.memoryBytes() + this.scratchBytes;
  }
  isDeleted(label: number): boolean {
    return this.raw.isDeleted(label);
  }

  /**
   * Inserts n vectors (n·dim float32, row-major). All-or-nothing. A vector
   * the core's value rule rejects is named `name(i)` (i its index in
   * `vectors`), else as the core names it, `vector i`.
   * @returns the label of each: reused tombstones' (the lowest, when reuse is
   *   on) or new ones (see `Index::Add` in `wasm/include/minivectordb/index.hpp`).
   */
  add(vectors: Float32Array, n: number, name?: (i: number) => string): Uint32Array {
    const ptr = this.scratch(heapBytes(`an insert of ${n} vectors`, [vectors.length, 4], [n, 4]));
    const labelsPtr = ptr + vectors.byteLength;
    this.mod.HEAPF32.set(vectors, ptr >>> 2);
    this.check(this.raw.add(ptr, n, labelsPtr), 'vector', name);
    return this.mod.HEAPU32.slice(labelsPtr >>> 2, (labelsPtr >>> 2) + n);
  }

  /**
   * Makes room for an add() of n vectors in one allocation per core buffer,
   * so that a bulk insert sent in chunks does not grow them chunk by chunk.
   * @throws OutOfMemoryError — the index is unchanged.
   */
  reserveForAdd(n: number): void {
    this.check(this.raw.reserveForAdd(n));
  }

  /** Whether add() reuses tombstoned slots (the core's default: true). */
  setReuseDeleted(on: boolean): void {
    this.raw.setReuseDeleted(on);
  }

  /** Threads add() links new labels on (`threads` option; the threaded core only). */
  setBuildThreads(n: number): void {
    this.raw.setBuildThreads(n);
  }

  /** Threads that linked the last parallel add() (0 before any; tests and benches). */
  lastBuildThreads(): number {
    return this.raw.lastBuildThreads();
  }

  markDeleted(label: number): void {
    this.check(this.raw.markDeleted(label));
  }

  /**
   * Rebuilds the index without its tombstones (same config and seed; live
   * vectors re-inserted in label order). All-or-nothing.
   * @returns the old → new label map: one entry per old label, {@link NO_LABEL} for a tombstone.
   * @throws OutOfMemoryError — the index is unchanged.
   */
  compact(): Uint32Array {
    return this.#remapOf(() => this.raw.compact());
  }

  /**
   * Relabels the nodes for memory locality (`mvdb::Index::Reorder`:
   * breadth-first over the layer-0 links from the entry point). All-or-nothing.
   * @returns the old → new label map: a permutation, one entry per label (tombstones included).
   * @throws OutOfMemoryError — the index is unchanged.
   */
  reorder(): Uint32Array {
    return this.#remapOf(() => this.raw.reorder());
  }

  /** Runs a relabelling core call and copies out the old → new label map it left in the core (released in every case). */
  #remapOf(call: () => number): Uint32Array {
    try {
      this.check(call());
      const at = this.raw.remapAddress() >>> 2;
      return this.mod.HEAPU32.slice(at, at + (this.raw.remapCount() >>> 0));
    } finally {
      this.raw.releaseRemap();
    }
  }

  /**
   * Copy of the stored vector of `label` (dim float32; dequantized when the
   * float32 rows were dropped).
   * @throws OutOfMemoryError — no room for the dequantized copy.
   */
  vector(label: number): Float32Array {
    const ptr = this.raw.vectorAddress(label) >>> 0;
    if (ptr === 0) throw new OutOfMemoryError(`no memory to read the vector of label ${label}`);
    return this.mod.HEAPF32.slice(ptr >>> 2, (ptr >>> 2) + this.dim);
  }

  /**
   * Checks n vectors (n·dim float32, row-major) against the core's value rule
   * (`mvdb::CheckVectors`: every value finite, squared norm Σ v_i² at most
   * `kMaxSquaredNorm` = FLT_MAX / 8 summed in float64, non-zero for cosine)
   * without adding anything, so a caller can refuse a whole batch before its
   * first chunk is added.
   * @returns undefined when all pass, else the first rejected vector.
   * @throws InvalidArgumentError when `vectors` holds fewer than n·dim values.
   * @throws OutOfMemoryError when the copy of `vectors` exceeds the wasm32 limit.
   */
  checkVectors(vectors: Float32Array, n: number): VectorProblem | undefined {
    this.checkShape(vectors, n, 'vectors');
    const ptr = this.scratch(heapBytes(`a check of ${n} vectors`, [n, this.dim, 4]));
    this.mod.HEAPF32.set(vectors.subarray(0, n * this.dim), ptr >>> 2);
    const item = this.check(this.raw.checkVectors(ptr, n));
    if (item === n) return undefined;
    const fault = this.constants.vectorFaultName(this.raw.lastVectorFault()) ?? 'non-finite';
    return { item, fault, message: this.raw.lastError() };
  }

  /**
   * Nearest labels of `nq` queries (nq·dim float32, row-major), in ONE core
   * call (`Index::Search`, `wasm/include/minivectordb/search_request.hpp`)
   * for any nq, graph or exact. The core owns every search rule, so callers
   * pass `k` and `ef` as the user gave them:
   * - it clamps `k` (any integer ≥ 1; above 2^32 − 1 it means the same) to
   *   the labels that can match: live labels, or `allowed.count`;
   * - it uses its `efSearch` when `ef` is 0, rejects `ef` over `kMaxEf`, then
   *   raises it to the clamped k;
   * - it checks every query (finite, squared norm ≤ `kMaxSquaredNorm`,
   *   non-zero for cosine) before any is searched, and picks the plan
   *   (flat scan, graph walk, walk then flat scan; always flat with `exact`).
   * This method only sizes the result buffers (at least min(k, matching)
   * slots per query) and names a rejected query `name(i)` (i its index in
   * the batch); without `name` it keeps the core's name, `query i` in a
   * batch, `query` alone.
   * @returns per-query hits, nearest first: min(k, matching) each.
   * @throws InvalidArgumentError — `queries` shorter than nq·dim, k < 1, clamped k
   *   over `kMaxK`, ef over `kMaxEf`, a bad query.
   * @throws OutOfMemoryError when the scratch (queries, bitset, labels and
   *   distances, counts) exceeds the wasm32 limit — nothing allocated — or the core runs out.
   */
  search(
    queries: Float32Array,
    nq: number,
    k: number,
    ef: number,
    allowed: LabelBitset | undefined,
    exact: boolean,
    name?: (i: number) => string,
  ): CoreHits[] {
    if (nq === 0) return [];
    const dim = this.dim;
    this.checkShape(queries, nq, 'queries');
    // Buffer shape only: the core never returns more than the matching
    // labels. A small k is its own bound (at most SMALL_RESULT_SLOTS slots,
    // so a single search asks the core nothing more); else the live labels.
    const stride = Math.max(
      1,
      allowed !== undefined ? Math.min(k, allowed.count) : nq * k <= SMALL_RESULT_SLOTS ? k : Math.min(k, this.size - this.deletedCount),
    );
    const qBytes = nq * dim * 4;
    const allowedBytes = allowed?.words.byteLength ?? 0;
    // One scratch region: [queries | allowed bitset | labels | distances | counts]
    const base = this.scratch(searchScratchBytes(nq, dim, stride, allowed?.words.length ?? 0));
    const allowedPtr = allowed === undefined ? 0 : base + qBytes;
    const labelsPtr = base + qBytes + allowedBytes;
    const distPtr = labelsPtr + nq * stride * 4;
    const countsPtr = distPtr + nq * stride * 4;
    this.mod.HEAPF32.set(queries.subarray(0, nq * dim), base >>> 2);
    if (allowed !== undefined) this.mod.HEAPU32.set(allowed.words, allowedPtr >>> 2);
    const kWire = Math.min(k, 0xffffffff); // uint32 on the wire; the core clamps it
    this.check(this.raw.search(base, nq, kWire, ef, exact, allowedPtr, allowed?.count ?? 0, labelsPtr, distPtr, countsPtr, stride), 'query', name);
    // Views re-read after the call: memory may have grown.
    const u32 = this.mod.HEAPU32;
    const f32 = this.mod.HEAPF32;
    const out: CoreHits[] = new Array(nq);
    for (let i = 0; i < nq; i++) {
      const n = u32[(countsPtr >>> 2) + i]!;
      const from = (labelsPtr >>> 2) + i * stride;
      const dfrom = (distPtr >>> 2) + i * stride;
      out[i] = { labels: u32.slice(from, from + n), distances: f32.slice(dfrom, dfrom + n) };
    }
    return out;
  }

  /**
   * The snapshot of this index with `user` as its USER section, as chunks
   * (`mvdb::SnapshotStream`, `wasm/include/minivectordb/snapshot_stream.hpp`):
   * the same bytes as one serialised image, never held whole. The heap holds
   * the index and the stream's 1 MiB buffer, never `user`: its CRC is taken
   * by passing it through that buffer in pieces before the first chunk, and
   * its bytes, the last section, are yielded from `user` itself after the
   * core's chunks (so what insert accepts can be saved at a full heap). Each
   * core chunk is copied into one reused JS buffer of
   * {@link SNAPSHOT_CHUNK_BYTES} and yielded as a view of it, valid until the
   * next chunk is requested (a consumer that keeps bytes copies them). The
   * index and `user` must not change until the stream is closed (callers
   * hold the database's call queue; `user` is a fresh encoding).
   * @returns `byteLength`: the snapshot's size in bytes; `chunks`: its bytes,
   *   in order (iterable once); `close()`: frees the stream (idempotent; also
   *   run when the iteration ends or stops early, but an iteration never
   *   started needs it).
   * @throws OutOfMemoryError when the stream's buffer does not fit the heap.
   */
  serializeChunks(user: Uint8Array): { byteLength: number; chunks: Iterable<Uint8Array>; close(): void } {
    const userBytes = user.byteLength;
    try {
      this.check(this.raw.beginSnapshot(userBytes));
      // The window is the stream's buffer: allocated by beginSnapshot, so nothing here grows the heap.
      this.passThrough(user, this.raw.snapshotWindow() >>> 0, this.raw.snapshotWindowBytes(), (at, n) => this.raw.feedSnapshotUser(at, n));
    } catch (e) {
      this.raw.endSnapshot();
      throw e;
    }
    const byteLength = this.raw.snapshotTotal();
    const coreBytes = byteLength - userBytes;
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      this.raw.endSnapshot();
    };
    const { raw, mod } = this;
    function* chunks(): Generator<Uint8Array> {
      const out = new Uint8Array(Math.min(SNAPSHOT_CHUNK_BYTES, coreBytes));
      try {
        if (!open) throw new InvalidArgumentError('the snapshot stream was closed');
        let written = 0;
        for (;;) {
          raw.nextSnapshotChunk();
          const size = raw.chunkSize();
          if (size === 0) break;
          if (size > out.byteLength || written + size > coreBytes) throw new OutOfMemoryError(`snapshot chunk of ${size} bytes past the ${byteLength}-byte snapshot`);
          const at = raw.chunkAddress() >>> 0;
          // Copied at once: the heap's ArrayBuffer is replaced when memory grows.
          out.set(mod.HEAPU8.subarray(at, at + size));
          written += size;
          yield out.subarray(0, size);
        }
        if (written !== coreBytes) throw new OutOfMemoryError(`snapshot stream ended after ${written} of ${byteLength} bytes`);
        close(); // the core's part is done; USER comes from JS memory
        for (let at = 0; at < userBytes; at += SNAPSHOT_CHUNK_BYTES) yield user.subarray(at, Math.min(userBytes, at + SNAPSHOT_CHUNK_BYTES));
      } finally {
        close();
      }
    }
    return { byteLength, chunks: chunks(), close };
  }

  /** Frees the scratch buffer and the native index. Idempotent. */
  dispose(): void {
    this.releaseScratch();
    if (this.disposed) return;
    this.disposed = true;
    this.raw.delete();
  }

  /** `data` holds at least n rows of dim float32 (a shape check; values are the core's to judge). */
  private checkShape(data: Float32Array, n: number, what: string): void {
    if (data.length < n * this.dim) throw new InvalidArgumentError(`${what}: ${n} rows of ${this.dim} need ${n * this.dim} float32, got ${data.length}`);
  }

  /**
   * rc when ≥ 0, else throws the core's error. When the core's value rule
   * rejected a vector of the call, which it calls `<noun> i` (or `<noun>`
   * alone), `name(i)` replaces that name.
   */
  private check(rc: number, noun?: string, name?: (i: number) => string): number {
    if (rc >= 0) return rc;
    let message = this.raw.lastError();
    if (name !== undefined && this.raw.lastVectorFault() !== 0) {
      const item = this.raw.lastVectorItem();
      message = message.replace(new RegExp(`^${noun}( ${item})?(?= )`), name(item));
    }
    throw errorFromCore(this.constants.statusName(-rc), rc, message);
  }

  /**
   * A heap region of at least `bytes` bytes (a size from {@link heapBytes}),
   * reused across calls (grown by doubling, never past the wasm32 limit).
   */
  private scratch(bytes: number): number {
    if (bytes <= this.scratchBytes) return this.scratchPtr;
    if (!(bytes <= MAX_ALLOCATION_BYTES)) throw new OutOfMemoryError(`cannot allocate ${bytes} bytes of WebAssembly memory (at most ${MAX_ALLOCATION_BYTES} in one block)`);
    let want = Math.min(Math.max(bytes, this.scratchBytes * 2, 4096), MAX_ALLOCATION_BYTES);
    this.releaseScratch();
    let ptr = this.mod._malloc(want) >>> 0;
    if (ptr === 0 && want > bytes) ptr = this.mod._malloc((want = bytes)) >>> 0; // the doubling overshot: the exact need may fit
    if (ptr === 0) throw new OutOfMemoryError(`cannot allocate ${want} bytes of WebAssembly memory (the 4 GB limit of wasm32)`);
    this.scratchPtr = ptr;
    this.scratchBytes = want;
    return ptr;
  }

  /** A split load's USER bytes, kept in JavaScript, fed through the load's window for their CRC. */
  private feedLoadUser(user: Uint8Array): void {
    this.passThrough(user, this.raw.loadWindow() >>> 0, this.raw.loadWindowBytes(), (at, n) => this.raw.feedLoadUser(at, n));
  }

  /**
   * `bytes` copied into the heap window at `window` (`windowBytes` long, owned
   * by the core) piece by piece, each handed to `feed` (a core call: 0 or
   * -code) before the next: the core sees them all without holding them all.
   */
  private passThrough(bytes: Uint8Array, window: number, windowBytes: number, feed: (address: number, length: number) => number): void {
    for (let at = 0; at < bytes.byteLength; at += windowBytes) {
      const piece = bytes.subarray(at, Math.min(bytes.byteLength, at + windowBytes));
      this.mod.HEAPU8.set(piece, window);
      this.check(feed(window, piece.byteLength));
    }
  }

  private releaseScratch(): void {
    if (this.scratchPtr !== 0) this.mod._free(this.scratchPtr);
    this.scratchPtr = 0;
    this.scratchBytes = 0;
  }
}

/** The ranges a split load cuts out of the snapshot, in file order, and the bytes of each buffer they go to. */
function cutSizes(split: SnapshotSplit): { cut: PayloadRange[]; vecsBytes: number; codesBytes: number; links0Bytes: number; userBytes: number } {
  const bytes = (r: PayloadRange | undefined): number => (r === undefined ? 0 : r.end - r.start);
  const cut = [split.vecs, split.codes, split.links0, split.user].filter((r) => r !== undefined).sort((a, b) => a.start - b.start);
  return { cut, vecsBytes: bytes(split.vecs), codesBytes: bytes(split.codes), links0Bytes: bytes(split.links0), userBytes: bytes(split.user) };
}
