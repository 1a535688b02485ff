/**
 * `file://` storage for Node. A save writes a temporary file beside the
 * target, fsyncs it, renames it over the target (atomic on POSIX), then
 * fsyncs the folder so the rename itself survives a crash.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StorageError } from '../errors.js';
import type { StorageAdapter } from './adapter.js';
import { writeFileAtomic } from './atomic-file.js';

export class FileStorage implements StorageAdapter {
  private readonly path: string;

  constructor(readonly url: string) {
    try {
      this.path = fileURLToPath(url);
    } catch (cause) {
      throw new StorageError(`invalid file URL ${url}: ${String(cause)}`, { cause });
    }
  }

  async read(): Promise<Uint8Array> {
    try {
      const buf = await readFile(this.path);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : String(cause);
      throw new StorageError(`cannot read snapshot ${this.path}: ${why}`, { cause });
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    try {
      await writeFileAtomic(this.path, bytes);
    } catch (cause) {
      throw new StorageError(`cannot write snapshot ${this.path}: ${String(cause)}`, { cause });
    }
  }

  async remove(): Promise<boolean> {
    try {
      await unlink(this.path);
      return true;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new StorageError(`cannot delete snapshot ${this.path}: ${String(cause)}`, { cause });
    }
  }
}

/** `file://` URLs of the `*.mvdb` files in the folder `dirUrl` (`file:///abs/dir/`), sorted. */
export async function listFiles(dirUrl: string): Promise<string[]> {
  let dir: string;
  try {
    dir = fileURLToPath(dirUrl);
  } catch (cause) {
    throw new StorageError(`invalid file URL ${dirUrl}: ${String(cause)}`, { cause });
  }
  try {
    const names = await readdir(dir);
    return names
      .filter((n) => n.endsWith('.mvdb'))
      .sort()
      .map((n) => pathToFileURL(join(dir, n)).href);
  } catch (cause) {
    throw new StorageError(`cannot list ${dir}: ${String(cause)}`, { cause });
  }
}
