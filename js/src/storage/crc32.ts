/**
 * CRC-32 (IEEE 802.3, zlib's) of a few bytes through the platform's
 * `CompressionStream('gzip')`: a gzip member ends with the CRC-32 of its
 * uncompressed data, little-endian, then its length (RFC 1952, 2.3.1). The
 * same checksum as the core's `crc32.hpp`, without a second implementation.
 * Meant for small inputs (a snapshot header): it compresses them.
 * @internal
 */
export async function crc32(bytes: Uint8Array): Promise<number> {
  const gzip = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  const out = new Uint8Array(await new Response(gzip).arrayBuffer());
  return new DataView(out.buffer, out.byteOffset, out.byteLength).getUint32(out.byteLength - 8, true);
}
