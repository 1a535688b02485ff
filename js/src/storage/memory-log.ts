/**
 * The write-ahead log of a `memory://` database: appended chunks kept in
 * this process (survives a database that is not closed, not the process).
 * @internal
 */
import type { WriteAheadLog } from './adapter.js';

/** Logs of `memory://` URLs in this process, keyed by URL: appended chunks (copies). */
const logs = new Map<string, Uint8Array[]>();

export class MemoryLog implements WriteAheadLog {
  constructor(private readonly url: string) {}

  read(): Promise<Uint8Array> {
    const parts = logs.get(this.url) ?? [];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return Promise.resolve(out);
  }

  append(bytes: Uint8Array): Promise<void> {
    let parts = logs.get(this.url);
    if (parts === undefined) logs.set(this.url, (parts = []));
    parts.push(bytes.slice());
    return Promise.resolve();
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  size(): Promise<number> {
    return Promise.resolve((logs.get(this.url) ?? []).reduce((n, p) => n + p.byteLength, 0));
  }

  truncate(): Promise<void> {
    logs.delete(this.url);
    return Promise.resolve();
  }
}
