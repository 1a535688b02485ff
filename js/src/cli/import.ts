/**
 * `minivectordb import <input.jsonl> <db.mvdb>`: JSON Lines records
 * `{ "id", "vector" | "text", "metadata"? }` into a snapshot, created when
 * absent (its dimension from `--dim` or the first vector; a text model when
 * the first record is a text or `--model` is given), else opened and
 * appended to (an existing id is replaced, as `insertMany` does). Records
 * go in batches (`insertMany`, which embeds texts in batches); the snapshot
 * is saved once at the end, so a failed import leaves it as it was.
 * @internal
 */
import { statSync } from 'node:fs';
import { MiniVectorDB } from '../minivectordb.js';
import type { CreateOptions } from '../option-types.js';
import type { InsertItem, Metric } from '../types.js';
import { choiceOption, intOption, parseCommand, storageUrl, UsageError, type Parsed } from './args.js';
import { embedderOptions, MODEL_HELP, MODEL_OPTIONS, openDatabase, snapshotExists } from './database.js';
import { JsonlError, readJsonl } from './jsonl.js';
import { out, outJson, progress } from './output.js';

export const IMPORT_USAGE = `minivectordb import <input.jsonl> <db.mvdb> [options]

Imports JSON Lines records {"id", "vector" | "text", "metadata"?} into a
snapshot: creates it when absent, else appends (an existing id is replaced).
Saved once at the end: a failed import leaves the snapshot unchanged.

  --dim <n>              dimension of a new database (default: the first vector's length)
  --metric <m>           l2 (default), cosine or ip, for a new database
  --store-text           keep texts in a new database (enables text and hybrid search)
  --batch-size <n>       records per insertMany call (default 256)
${MODEL_HELP}
  --json                 print the summary as JSON`;

const OPTIONS = {
  ...MODEL_OPTIONS,
  dim: { type: 'string' },
  metric: { type: 'string' },
  'store-text': { type: 'boolean' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const ITEM_KEYS = new Set(['id', 'vector', 'text', 'metadata']);

/** Runs the command; returns the exit code. */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, ['input.jsonl', 'db.mvdb']);
  if (values.help === true) {
    out(IMPORT_USAGE);
    return 0;
  }
  const [input, dbPath] = positionals as [string, string];
  const url = storageUrl(dbPath);
  const batchSize = intOption(values, 'batch-size', 256, 1, 65_536)!;
  const existed = snapshotExists(url);
  const bar = progress('import', statSync(input).size, 'bytes');
  let db: MiniVectorDB | undefined;
  let inserted = 0;
  let updated = 0;
  try {
    let batch: InsertItem[] = [];
    let lines: number[] = [];
    let ids = new Set<string>();
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      db ??= existed ? await openExisting(url, values) : await MiniVectorDB.create(createOptions(values, url, batch[0]!));
      try {
        const r = await db.insertMany(batch);
        inserted += r.inserted;
        updated += r.updated;
      } catch (e) {
        throw atLine(e, input, lines);
      }
      batch = [];
      lines = [];
      ids = new Set();
    };
    for await (const { line, value, bytesRead } of readJsonl(input)) {
      const item = readItem(value, `${input}:${line}`);
      if (ids.has(item.id)) await flush(); // a later line with the same id replaces the earlier one
      batch.push(item);
      lines.push(line);
      ids.add(item.id);
      if (batch.length >= batchSize) {
        await flush();
        bar.update(bytesRead);
      }
    }
    await flush();
    db ??= existed ? await openExisting(url, values) : await MiniVectorDB.create(createOptions(values, url, undefined));
    await db.save();
    bar.stop();
    const summary = { inserted, updated, count: db.size, dim: db.dim, metric: db.metric, snapshot: dbPath, created: !existed };
    if (values.json === true) outJson(summary);
    else out(`${existed ? 'appended to' : 'created'} ${dbPath}: ${inserted} new, ${updated} replaced, ${summary.count} records (dim ${summary.dim}, ${summary.metric})`);
    return 0;
  } finally {
    bar.stop();
    await db?.close();
  }
}

/** The options of a new database: its dimension and model from the flags, else from the first record. */
function createOptions(values: Parsed['values'], url: string, first: InsertItem | undefined): CreateOptions {
  const metric = choiceOption<Metric>(values, 'metric', ['l2', 'cosine', 'ip'], undefined);
  const dim = intOption(values, 'dim', undefined, 1, Number.MAX_SAFE_INTEGER);
  const embedder = embedderOptions(values);
  const options: CreateOptions = { storage: url };
  if (metric !== undefined) options.metric = metric;
  if (values['store-text'] === true) options.storeText = true;
  const wantsText = embedder !== undefined || (first !== undefined && first.vector === undefined) || (dim === undefined && first === undefined);
  if (wantsText) options.embedder = embedder ?? true;
  if (dim !== undefined) options.dim = dim;
  else if (!wantsText && first?.vector !== undefined) options.dim = first.vector.length;
  return options;
}

/** Opens the snapshot to append to; `--dim` / `--metric` that contradict it are a usage error (they only shape a new database). */
async function openExisting(url: string, values: Parsed['values']): Promise<MiniVectorDB> {
  const db = await openDatabase(url, values, 'write');
  const dim = intOption(values, 'dim', undefined, 1, Number.MAX_SAFE_INTEGER);
  const metric = values.metric;
  if ((dim !== undefined && dim !== db.dim) || (metric !== undefined && metric !== db.metric)) {
    const error = new UsageError(`the snapshot exists with dim ${db.dim} and metric ${db.metric}: --dim and --metric only shape a new database`);
    await db.close();
    throw error;
  }
  return db;
}

/** A JSONL record as an insert item; its shape is checked here, its values by insertMany. */
function readItem(value: unknown, where: string): InsertItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JsonlError(`${where}: a record must be a JSON object`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!ITEM_KEYS.has(key)) throw new JsonlError(`${where}: unknown key ${JSON.stringify(key)} (a record has id, vector or text, metadata)`);
  }
  if (typeof record.id !== 'string' || record.id === '') throw new JsonlError(`${where}: "id" must be a non-empty string`);
  if ((record.vector === undefined) === (record.text === undefined)) throw new JsonlError(`${where}: a record has a "vector" or a "text" (exactly one)`);
  if (record.vector !== undefined && !Array.isArray(record.vector)) throw new JsonlError(`${where}: "vector" must be an array of numbers`);
  if (record.text !== undefined && typeof record.text !== 'string') throw new JsonlError(`${where}: "text" must be a string`);
  return record as unknown as InsertItem;
}

/** An error of insertMany naming `items[i]`, reworded with the file and line of that item. */
function atLine(e: unknown, input: string, lines: number[]): unknown {
  if (!(e instanceof Error)) return e;
  const m = /items\[(\d+)\]/.exec(e.message);
  const line = m === null ? undefined : lines[Number(m[1])];
  e.message = line === undefined ? `${input}:${lines[0]}-${lines.at(-1)}: ${e.message}` : `${input}:${line}: ${e.message}`;
  return e;
}
