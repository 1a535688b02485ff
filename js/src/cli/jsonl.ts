/**
 * Reads a JSON Lines file (https://jsonlines.org) one record at a time:
 * every non-blank line is one JSON value; a line that does not parse is an
 * error naming the file and line number.
 * @internal
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One parsed line: its 1-based number, its value, and the bytes read so far (for progress). */
export interface JsonlLine {
  line: number;
  value: unknown;
  bytesRead: number;
}

/** A line that is not JSON, or a record of the wrong shape. */
export class JsonlError extends Error {
  override name = 'JsonlError';
}

/** The lines of `path`, parsed; blank lines are skipped. @throws JsonlError on a line that is not JSON. */
export async function* readJsonl(path: string): AsyncGenerator<JsonlLine> {
  const stream = createReadStream(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new JsonlError(`${path}:${line}: not JSON (${(e as Error).message})`);
      }
      yield { line, value, bytesRead: stream.bytesRead };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
