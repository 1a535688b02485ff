/**
 * `minivectordb export <db.mvdb> <out>`: every record (or those matching
 * `--filter`) with its vector, read through `db.records()` in batches, into
 * JSON Lines, Apache Arrow IPC or Parquet (from `--format` or the file
 * extension). The Arrow and Parquet writers are loaded only when asked for.
 * @internal
 */
import { extname } from 'node:path';
import { choiceOption, intOption, jsonOption, parseCommand, storageUrl, UsageError } from './args.js';
import { MODEL_HELP, MODEL_OPTIONS, openDatabase } from './database.js';
import type { ExportInfo, ExportWriter } from './export-format.js';
import { jsonlWriter } from './export-jsonl.js';
import { out, outJson, progress } from './output.js';
import type { Filter } from '../types.js';

export const EXPORT_USAGE = `minivectordb export <db.mvdb> <out> [options]

Writes the records (id, vector, metadata, text) to a file: JSON Lines (the
format import reads; "-" for stdout), Apache Arrow IPC (vector as
FixedSizeList<float32>[dim]) or Parquet (vector as LIST<FLOAT>).

  --format <f>           jsonl, arrow or parquet (default: from the extension
                         .jsonl/.ndjson, .arrow/.feather/.ipc, .parquet)
  --filter <json>        only the records whose metadata match (a Filter)
  --batch-size <n>       records read per call (default 1024)
${MODEL_HELP}
  --json                 print the summary as JSON`;

const OPTIONS = {
  ...MODEL_OPTIONS,
  format: { type: 'string' },
  filter: { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const FORMATS = ['jsonl', 'arrow', 'parquet'] as const;
type Format = (typeof FORMATS)[number];
const EXTENSIONS: Record<string, Format> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow', '.parquet': 'parquet' };

/** Runs the command; returns the exit code. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, ['db.mvdb', 'out']);
  if (values.help === true) {
    out(EXPORT_USAGE);
    return 0;
  }
  const [dbPath, target] = positionals as [string, string];
  const format = choiceOption(values, 'format', FORMATS, target === '-' ? 'jsonl' : EXTENSIONS[extname(target).toLowerCase()]);
  if (format === undefined) throw new UsageError(`cannot tell the format of ${target} from its extension: give --format ${FORMATS.join('|')}`);
  if (target === '-' && format !== 'jsonl') throw new UsageError('only jsonl can be written to stdout');
  const filter = jsonOption(values, 'filter') as Filter | undefined;
  const batchSize = intOption(values, 'batch-size', 1024, 1, 65_536)!;
  const db = await openDatabase(storageUrl(dbPath), values, 'read');
  try {
    const total = filter === undefined ? db.size : await db.count(filter);
    const info: ExportInfo = { dim: db.dim, metric: db.metric };
    const writer = await openWriter(format, target, info);
    const bar = progress('export', total, 'records');
    let done = 0;
    let batch = [];
    for await (const record of db.records({ batchSize, ...(filter === undefined ? {} : { filter }) })) {
      batch.push(record);
      if (batch.length === batchSize) {
        await writer.write(batch);
        done += batch.length;
        batch = [];
        bar.update(done);
      }
    }
    if (batch.length > 0) await writer.write(batch);
    done += batch.length;
    await writer.close();
    bar.stop();
    const summary = { records: done, format, file: target, dim: info.dim, metric: info.metric };
    if (values.json === true) outJson(summary);
    else if (target !== '-') out(`exported ${done} records to ${target} (${format}, dim ${info.dim})`);
    return 0;
  } finally {
    await db.close();
  }
}

async function openWriter(format: Format, target: string, info: ExportInfo): Promise<ExportWriter> {
  if (format === 'jsonl') return jsonlWriter(target);
  if (format === 'arrow') return (await import('./export-arrow.js')).arrowWriter(target, info);
  return (await import('./export-parquet.js')).parquetWriter(target, info);
}
