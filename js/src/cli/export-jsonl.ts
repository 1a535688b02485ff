/**
 * JSON Lines export: one `{"id","vector","metadata"?,"text"?}` per line,
 * the format `import` reads (float32 values printed as the shortest
 * decimal of their double, so they read back bit-identical).
 * @internal
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExportWriter } from './export-format.js';

/** A JSONL writer to `path`, or to stdout for `-`. */
export function jsonlWriter(path: string): ExportWriter {
  const stream: Writable = path === '-' ? process.stdout : createWriteStream(path);
  const failed = once(stream, 'error').then(([e]) => Promise.reject(e as Error));
  failed.catch(() => undefined);
  return {
    async write(records) {
      let chunk = '';
      for (const r of records) {
        chunk += `${JSON.stringify({ id: r.id, vector: Array.from(r.vector!), ...(r.metadata === undefined ? {} : { metadata: r.metadata }), ...(r.text === undefined ? {} : { text: r.text }) })}\n`;
      }
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
    },
    async close() {
      if (stream === process.stdout) return;
      stream.end();
      await Promise.race([once(stream, 'finish'), failed]);
    },
  };
}
