/**
 * Hand-written types of the Emscripten module built from
 * wasm/bindings/embind.cpp (Emscripten 3.1.6 has no --emit-tsd).
 * Fallible methods return >= 0 on success or a negated core ErrorCode;
 * `lastError()` then holds the message.
 * @internal
 */
import type { CompiledWasmModule, WasmInstance } from '../host-types.js';
export interface WasmIndex {
  init(
    dim: number,
    metric: number,
    M: number,
    efConstruction: number,
    efSearch: number,
    seed: number,
    quantization: number,
    rerank: number,
    keepFloat: boolean,
  ): number;
  /** Writes the n assigned labels (uint32) at outLabels. */
  add(vectors: number, n: number, outLabels: number): number;
  /** Room for an add() of n vectors, one allocation per buffer. 0 or -code. */
  reserveForAdd(n: number): number;
  setReuseDeleted(on: boolean): void;
  /** Threads add() links new labels on (the threaded core only starts them; default 1). */
  setBuildThreads(n: number): void;
  /** Threads that linked the last parallel add() (0 before any). */
  lastBuildThreads(): number;
  markDeleted(label: number): number;
  compact(): number;
  reorder(): number;
  remapAddress(): number;
  remapCount(): number;
  releaseRemap(): void;
  /**
   * The one search call: nq queries at `queries`, `allowed` a label bitset
   * address or 0; query i writes labels / distances at slot i·stride and its
   * count at outCounts[i]. ef 0 = the index default. 0 or -code.
   */
  search(
    queries: number,
    nq: number,
    k: number,
    ef: number,
    exact: boolean,
    allowed: number,
    allowedCount: number,
    outLabels: number,
    outDistances: number,
    outCounts: number,
    stride: number,
  ): number;
  /** n when all n vectors pass the core's value rule, else the index of the first that fails; -code on a bad region. */
  checkVectors(vectors: number, n: number): number;
  /** The `VectorFault` value of the vector the last checkVectors, add or search call rejected (0 when none was). */
  lastVectorFault(): number;
  /** Index in its call's batch of the vector the last checkVectors, add or search call rejected. */
  lastVectorItem(): number;
  vectorAddress(label: number): number;
  isDeleted(label: number): boolean;
  size(): number;
  deletedCount(): number;
  dim(): number;
  metric(): number;
  M(): number;
  efConstruction(): number;
  efSearch(): number;
  seed(): number;
  quantization(): number;
  rerank(): number;
  keepFloat(): boolean;
  bytesPerVector(): number;
  clippedFraction(): number;
  memoryBytes(): number;
  /** Starts a snapshot whose USER section (`userLength` bytes) the caller appends after the chunks; 0 or -code. */
  beginSnapshot(userLength: number): number;
  /** The stream's buffer (address, bytes): where USER pieces go before `feedSnapshotUser`, until the first chunk. */
  snapshotWindow(): number;
  snapshotWindowBytes(): number;
  /** Adds `length` USER bytes at `address` to the USER section's CRC; 0 or -code. */
  feedSnapshotUser(address: number, length: number): number;
  snapshotTotal(): number;
  nextSnapshotChunk(): void;
  chunkAddress(): number;
  chunkSize(): number;
  endSnapshot(): void;
  load(data: number, length: number): number;
  prepareLoad(vecsBytes: number, codesBytes: number, links0Bytes: number, userBytes: number): number;
  /** Where a split load's USER pieces go before `feedLoadUser` (address, bytes). */
  loadWindow(): number;
  loadWindowBytes(): number;
  /** Adds `length` USER bytes at `address` to the split load's USER CRC; 0 or -code. */
  feedLoadUser(address: number, length: number): number;
  vecsAddress(): number;
  codesAddress(): number;
  links0Address(): number;
  releaseLoad(): void;
  loadSplit(rest: number, restLength: number): number;
  userOffset(): number;
  userSize(): number;
  lastError(): string;
  delete(): void;
}

/** An Embind enum: one object per value, its number in `.value`. */
export type EmbindEnum<K extends string> = { readonly [name in K]: { readonly value: number } };

export interface CoreModule {
  WasmIndex: new () => WasmIndex;
  /** CRC-32 (zlib's) of `length` bytes at heap `address`; -1 when the region is outside the memory. */
  crc32(address: number, length: number, crc: number): number;
  /** Limits (`wasm/include/minivectordb/index_config.hpp`, `vector_check.hpp`). */
  readonly kMaxDim: number;
  readonly kMaxM: number;
  readonly kMaxEf: number;
  readonly kMaxK: number;
  readonly kMaxRerank: number;
  readonly kMaxSquaredNorm: number;
  /** Whether this core was built with -pthread (minivectordb_core_threads). */
  readonly kThreads: boolean;
  /** The threaded core's Emscripten pthread runtime: its idle pool workers (Node's `worker_threads` Workers there). */
  readonly PThread?: { readonly unusedWorkers: ReadonlyArray<{ unref?(): void }> };
  /** Largest add whose labels enter the fresh list (`fresh_list.hpp`). */
  readonly kFreshMaxBatch: number;
  /** Vectors a dimension order is learned from (`index.hpp`). */
  readonly kOrderSample: number;
  /** Enums (`mvdb::Metric`, `mvdb::Quantization`, `mvdb::ErrorCode`, `mvdb::VectorFault`). */
  readonly Metric: EmbindEnum<'l2' | 'ip' | 'cosine'>;
  readonly Quantization: EmbindEnum<'none' | 'int8'>;
  readonly ErrorCode: EmbindEnum<'kInvalidArgument' | 'kOutOfMemory' | 'kNotFound' | 'kSnapshotCorrupt' | 'kSnapshotVersion'>;
  readonly VectorFault: EmbindEnum<'kNonFinite' | 'kNormTooLarge' | 'kZeroNorm'>;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  HEAPF32: Float32Array;
}

export interface CoreModuleOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, scriptDirectory: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
  onAbort?: (what: unknown) => void;
  /** Threaded core: the glue's own location, which each pthread worker loads. */
  mainScriptUrlOrBlob?: string;
  /** Threaded core: pool workers started with the module (`-sPTHREAD_POOL_SIZE=Module.mvdbPoolSize`). */
  mvdbPoolSize?: number;
  /** Instantiates the module itself: calls `receiveInstance` when done and returns `{}` (asynchronous). */
  instantiateWasm?: (imports: object, receiveInstance: (instance: WasmInstance, module: CompiledWasmModule) => void) => object;
}

declare function createMiniVectorDBCore(options?: CoreModuleOptions): Promise<CoreModule>;
export default createMiniVectorDBCore;
