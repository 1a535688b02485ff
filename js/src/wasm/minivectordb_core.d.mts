/**
 * Hand-written types of the Emscripten module built from
 * wasm/bindings/embind.cpp (Emscripten 3.1.6 has no --emit-tsd).
 * Fallible methods return >= 0 on success or a negated core ErrorCode;
 * `lastError()` then holds the message.
 * @internal
 */
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
  markDeleted(label: number): number;
  compact(): number;
  remapAddress(): number;
  remapCount(): number;
  releaseRemap(): void;
  search(query: number, k: number, ef: number, allowed: number, allowedCount: number, outLabels: number, outDistances: number): number;
  searchBatch(
    queries: number,
    nq: number,
    k: number,
    ef: number,
    allowed: number,
    allowedCount: number,
    outLabels: number,
    outDistances: number,
    outCounts: number,
  ): number;
  searchExact(query: number, k: number, allowed: number, outLabels: number, outDistances: number): number;
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
  hasFloats(): boolean;
  bytesPerVector(): number;
  clippedFraction(): number;
  memoryBytes(): number;
  serialize(user: number, userLength: number): number;
  snapshotAddress(): number;
  snapshotSize(): number;
  releaseSnapshot(): void;
  load(data: number, length: number): number;
  userOffset(): number;
  userSize(): number;
  lastError(): string;
  delete(): void;
}

export interface CoreModule {
  WasmIndex: new () => WasmIndex;
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
}

declare function createMiniVectorDBCore(options?: CoreModuleOptions): Promise<CoreModule>;
export default createMiniVectorDBCore;
