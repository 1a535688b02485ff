/**
 * Model-file cache in a Node folder. A URL maps to a readable path
 * (`<dir>/huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx`);
 * entries are written to a temporary file, fsynced and renamed into place,
 * so a file at its final path is always complete. Imported lazily: browser
 * bundles never see `node:fs`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file.js';
import type { ModelCache } from './embedder.js';

/** `$MINIVECTORDB_CACHE`, else `$XDG_CACHE_HOME/minivectordb/models`, else `~/.cache/minivectordb/models`. */
export function defaultCacheDir(): string {
  const env = process.env;
  if (env.MINIVECTORDB_CACHE) return env.MINIVECTORDB_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'minivectordb', 'models');
}

export class FolderModelCache implements ModelCache {
  constructor(readonly dir: string) {}

  /** The file a URL is stored in. */
  pathOf(key: string): string {
    let url: URL;
    try {
      url = new URL(key);
    } catch {
      url = new URL(`x-key://local/${encodeURIComponent(key)}`);
    }
    // host:port → host_port (no ':' in Windows paths; '_' cannot occur in a host name)
    const parts = url.pathname.split('/').filter((s) => s.length > 0);
    if (url.search) parts.push(`${parts.pop() ?? ''}${url.search}`);
    return join(this.dir, safeSegment(url.host.replace(':', '_')), ...parts.map(safeSegment));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const buf = await readFile(this.pathOf(key));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw cause;
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, bytes);
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code !== 'ENOENT') throw cause;
    });
  }
}

/** A path segment that cannot climb out of the cache folder or clash with a temp file; odd names get a hash suffix. */
function safeSegment(raw: string): string {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    s = raw;
  }
  const clean = s.replace(/[^A-Za-z0-9._-]/g, '_');
  if (clean === s && s !== '.' && s !== '..' && !s.endsWith('.tmp')) return s;
  return `${clean.replace(/^\.+/, '_')}-${createHash('sha256').update(s).digest('hex').slice(0, 12)}`;
}
