/**
 * `file://` storage for Node. A save writes a temporary file beside the
 * target, fsyncs it, renames it over the target (atomic on POSIX), then
 * fsyncs the folder so the rename itself survives a crash.
 */
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SnapshotError, StorageError } from '../errors.js';
import type { ByteChunks, StorageAdapter } from './adapter.js';
import type { SnapshotSource } from './snapshot-source.js';
import { writeFileAtomic } from './atomic-file.js';
import { FileLog, logPath } from './file-log.js';
import { checkSnapshotLayout } from './snapshot-layout.js';

export class FileStorage implements StorageAdapter {
  private readonly path: string;
  /** The write-ahead log, `<path>-wal` (see `file-log.ts`). */
  readonly log: FileLog;

  constructor(readonly url: string) {
    try {
      this.path = fileURLToPath(url);
    } catch (cause) {
      throw new StorageError(`invalid file URL ${url}: ${String(cause)}`, { cause });
    }
    this.log = new FileLog(this.path);
  }

  /** The file's bytes, once its header and section lengths proved worth reading (see `snapshot-layout.ts`). */
  async read(): Promise<Uint8Array> {
    try {
      const file = await open(this.path, 'r');
      try {
        const { size } = await file.stat();
        await checkSnapshotLayout(size, (position, length) => readExactly(file, position, length), this.path);
        return await readExactly(file, 0, size);
      } finally {
        await file.close();
      }
    } catch (cause) {
      if (cause instanceof SnapshotError) throw cause;
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : String(cause);
      throw new StorageError(`cannot read snapshot ${this.path}: ${why}`, { cause });
    }
  }

  /** The file as a source read in pieces through one open descriptor (a save renaming a new file over it meanwhile does not change what is read). */
  async openSnapshot(): Promise<SnapshotSource> {
    let file: FileHandle | undefined;
    let size: number;
    try {
      file = await open(this.path, 'r');
      ({ size } = await file.stat());
      const opened = file;
      await checkSnapshotLayout(size, (position, length) => readExactly(opened, position, length), this.path);
    } catch (cause) {
      await file?.close().catch(() => undefined);
      if (cause instanceof SnapshotError) throw cause;
      const code = (cause as NodeJS.ErrnoException).code;
      throw new StorageError(`cannot read snapshot ${this.path}: ${code === 'ENOENT' ? 'no such file' : String(cause)}`, { cause });
    }
    const handle = file;
    let buffer = new Uint8Array(0); // reused: the caller copies each piece out before the next read
    let closed = false;
    return {
      byteLength: size,
      read: async (position, length) => {
        if (buffer.byteLength < length) buffer = new Uint8Array(length);
        try {
          return await readExactly(handle, position, length, buffer);
        } catch (cause) {
          if (cause instanceof SnapshotError) throw cause;
          throw new StorageError(`cannot read snapshot ${this.path}: ${String(cause)}`, { cause });
        }
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  }

  /** Streams `bytes` to a temporary file, fsyncs it and renames it over the snapshot (see `atomic-file.ts`). */
  async write(bytes: Uint8Array | ByteChunks, byteLength?: number): Promise<void> {
    try {
      await writeFileAtomic(this.path, bytes, byteLength);
    } catch (cause) {
      throw new StorageError(`cannot write snapshot ${this.path}: ${String(cause)}`, { cause });
    }
  }

  async remove(): Promise<boolean> {
    try {
      await unlink(logPath(this.path)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await unlink(this.path);
      return true;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new StorageError(`cannot delete snapshot ${this.path}: ${String(cause)}`, { cause });
    }
  }
}

/** `length` bytes at `position` of an open file (its size was checked first), into `into` when given (a view of it is returned). */
async function readExactly(file: FileHandle, position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
  const out = into === undefined ? new Uint8Array(length) : into.subarray(0, length);
  // One read returns at most ~2 GB on Linux, and Node aborts the process on a
  // length over 2^31 - 1: at most 1 GiB per call, until done or end of file.
  for (let done = 0; done < length; ) {
    const { bytesRead } = await file.read(out, done, Math.min(length - done, 2 ** 30), position + done);
    if (bytesRead === 0) throw new SnapshotError(`snapshot truncated while it was read: ${done} of ${length} bytes at ${position}`);
    done += bytesRead;
  }
  return out;
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
