/**
 * Atomic file replacement for Node: write a temporary file beside the
 * target, fsync it, rename it over the target (atomic on POSIX), then fsync
 * the folder so the rename itself survives a crash. A reader sees the old
 * file or the new one, never a partial one. Imported lazily (Node only).
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ByteChunks } from './adapter.js';
import { checkWritten, eachChunk } from './byte-chunks.js';

/**
 * Replaces the file at `path` with `bytes` (one buffer, or chunks streamed to
 * the temporary file one at a time, so the whole image is never in memory)
 * atomically. With `byteLength`, a stream of another length is refused before
 * the rename. Throws the underlying error (the temporary file is removed first).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | ByteChunks, byteLength?: number): Promise<void> {
  const dir = dirname(path);
  // pid plus a random part: a temp file left by a crashed process with the
  // same pid (containers restart as the same pid) must not collide.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(temp, 'wx');
    try {
      let written = 0;
      for await (const chunk of eachChunk(bytes)) {
        // Each chunk is written before the next is requested (it may be a view valid until then),
        // at most 1 GiB per call (Node aborts on a length over 2^31 - 1).
        for (let at = 0; at < chunk.byteLength; ) {
          const { bytesWritten } = await fh.write(chunk, at, Math.min(chunk.byteLength - at, 2 ** 30), written + at);
          at += bytesWritten;
        }
        written += chunk.byteLength;
      }
      checkWritten(written, byteLength);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw cause;
  }
  try {
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Some filesystems cannot fsync a directory; the rename already happened.
  }
}
