/**
 * A stored snapshot read piece by piece: opening streams it into the
 * WebAssembly heap (`CoreIndex.loadFrom`) in bounded reads, so JS memory
 * never holds the whole file beside the index built from it.
 * @internal
 */
/** Largest read {@link CoreIndex.loadFrom} asks for at once: what JS holds of the file at a time. */
export const SNAPSHOT_READ_BYTES = 8 * 2 ** 20;

export interface SnapshotSource {
  /** The stored size in bytes (its layout already checked: `snapshot-layout.ts`). */
  readonly byteLength: number;
  /**
   * `length` bytes at `offset` (both within {@link byteLength}). The result
   * may be a view of a buffer the source reuses: valid until the next call.
   * @throws StorageError or SnapshotError (the file shrank while it was read).
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases what the source holds open. Idempotent. */
  close(): Promise<void>;
}

/** A source over bytes already in memory (`memory://`, `deserialize()`): reads are views, nothing is copied. */
export function bytesSource(bytes: Uint8Array): SnapshotSource {
  return {
    byteLength: bytes.byteLength,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
    close: () => Promise.resolve(),
  };
}

/** The snapshot of `adapter` as a source: streamed where the backend can (`openSnapshot`), else read whole. */
export async function openSnapshotSource(adapter: { read(): Promise<Uint8Array>; openSnapshot?(): Promise<SnapshotSource> }): Promise<SnapshotSource> {
  return adapter.openSnapshot !== undefined ? adapter.openSnapshot() : bytesSource(await adapter.read());
}
