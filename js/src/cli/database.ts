/**
 * Opening the database a command works on: the snapshot at a path, with
 * the text model options of the command line (`--model`, `--model-path`).
 * A snapshot records which model built it, never where it is: the built-in
 * model and hub ids need nothing; a model from a folder needs `--model-path` again.
 * @internal
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MiniVectorDB } from '../minivectordb.js';
import type { EmbedderConfig } from '../embed/index.js';
import { UsageError, type Parsed } from './args.js';

/** The options naming a text model, shared by the commands that embed. */
export const MODEL_OPTIONS = {
  model: { type: 'string' },
  'model-path': { type: 'string' },
} as const;

/** Help lines of {@link MODEL_OPTIONS}. */
export const MODEL_HELP = `  --model <id>           text model: a Hugging Face hub id (default: the built-in wordnet-256)
  --model-path <dir>     text model from a local folder in the hub layout`;

/** The embedder options of `--model` / `--model-path`, or undefined when neither is given. */
export function embedderOptions(values: Parsed['values']): EmbedderConfig | undefined {
  const model = values.model as string | undefined;
  const modelPath = values['model-path'] as string | undefined;
  if (model !== undefined && modelPath !== undefined) throw new UsageError('give --model or --model-path, not both');
  if (modelPath !== undefined) return { modelPath };
  if (model !== undefined) return { model };
  return undefined;
}

/** True when the snapshot at storage URL `url` exists. */
export function snapshotExists(url: string): boolean {
  return existsSync(fileURLToPath(url));
}

/**
 * Opens the snapshot at `url` (StorageError when absent: the library's
 * message names it). `'read'`: commands that only read open it read-only when
 * another process holds it for writing (a served database can be searched,
 * inspected, verified and exported); `'write'`: LockedError then.
 */
export function openDatabase(url: string, values: Parsed['values'], access: 'read' | 'write'): Promise<MiniVectorDB> {
  const embedder = embedderOptions(values);
  return MiniVectorDB.open(url, { ...(embedder === undefined ? {} : { embedder }), ...(access === 'read' ? { lock: 'readonly' as const } : {}) });
}
