/**
 * The writer an export streams its batches of records into; one
 * implementation per file format (`export-jsonl.ts`, `export-arrow.ts`,
 * `export-parquet.ts`). Every format has the same columns: `id` (string),
 * `vector` (`dim` float32), `metadata` (JSON, null when absent), `text`
 * (string, null when the database keeps none).
 * @internal
 */
import type { ListedRecord } from '../iteration-types.js';
import type { Metric } from '../types.js';

/** What a format's writer is told about the database. */
export interface ExportInfo {
  dim: number;
  metric: Metric;
}

export interface ExportWriter {
  /** Appends records (each with its vector). */
  write(records: ListedRecord[]): Promise<void>;
  /** Completes the file. */
  close(): Promise<void>;
}
