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

/**
 * Replaces the file at `path` with `bytes` atomically. Throws the
 * underlying error (the temporary file is removed first).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  // pid plus a random part: a temp file left by a crashed process with the
  // same pid (containers restart as the same pid) must not collide.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(temp, 'wx');
    try {
      await fh.writeFile(bytes);
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
