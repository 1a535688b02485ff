/**
 * The write-ahead log of a `file://` database: the file `<path>-wal` beside
 * the snapshot (as SQLite's `-wal`), appended through one open descriptor
 * (`O_APPEND`); a durable append ends with `fdatasync`. Creating the file
 * also fsyncs its folder, so the log's name survives a crash too.
 * Node only, imported lazily with `file.ts`.
 * @internal
 */
import { open, stat, truncate as truncatePath, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageError } from '../errors.js';
import type { WriteAheadLog } from './adapter.js';

/** The log's path for a snapshot at `path`. */
export function logPath(path: string): string {
  return `${path}-wal`;
}

export class FileLog implements WriteAheadLog {
  readonly #path: string;
  #handle: Promise<FileHandle> | undefined;

  constructor(snapshotPath: string) {
    this.#path = logPath(snapshotPath);
  }

  async read(): Promise<Uint8Array> {
    try {
      const file = await open(this.#path, 'r');
      try {
        const { size } = await file.stat();
        const out = new Uint8Array(size);
        for (let done = 0; done < size; ) {
          const { bytesRead } = await file.read(out, done, size - done, done);
          if (bytesRead === 0) return out.subarray(0, done); // shrank while read: what is there
          done += bytesRead;
        }
        return out;
      } finally {
        await file.close();
      }
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return new Uint8Array(0);
      throw new StorageError(`cannot read the write-ahead log ${this.#path}: ${String(cause)}`, { cause });
    }
  }

  async append(bytes: Uint8Array, durable: boolean): Promise<void> {
    try {
      const fh = await this.#open();
      for (let done = 0; done < bytes.byteLength; ) {
        const { bytesWritten } = await fh.write(bytes, done, bytes.byteLength - done);
        done += bytesWritten;
      }
      if (durable) await fh.datasync();
    } catch (cause) {
      throw new StorageError(`cannot append to the write-ahead log ${this.#path}: ${String(cause)}`, { cause });
    }
  }

  async sync(): Promise<void> {
    if (this.#handle === undefined) return;
    try {
      await (await this.#handle).datasync();
    } catch (cause) {
      throw new StorageError(`cannot sync the write-ahead log ${this.#path}: ${String(cause)}`, { cause });
    }
  }

  async size(): Promise<number> {
    try {
      return (await stat(this.#path)).size;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw new StorageError(`cannot stat the write-ahead log ${this.#path}: ${String(cause)}`, { cause });
    }
  }

  async truncate(): Promise<void> {
    try {
      if (this.#handle !== undefined) {
        const fh = await this.#handle;
        await fh.truncate(0);
        await fh.datasync();
      } else {
        await truncatePath(this.#path, 0);
      }
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StorageError(`cannot truncate the write-ahead log ${this.#path}: ${String(cause)}`, { cause });
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }

  /** The append descriptor, opened once; a new file's folder is fsynced so its name is durable. */
  #open(): Promise<FileHandle> {
    this.#handle ??= (async () => {
      const existed = await stat(this.#path).then(
        () => true,
        () => false,
      );
      const fh = await open(this.#path, 'a');
      if (!existed) {
        const dh = await open(dirname(this.#path), 'r').catch(() => undefined);
        await dh?.sync().catch(() => undefined); // some filesystems cannot fsync a folder
        await dh?.close();
      }
      return fh;
    })();
    this.#handle.catch(() => {
      this.#handle = undefined; // retry the open on the next append
    });
    return this.#handle;
  }
}
