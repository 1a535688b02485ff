/**
 * Apache Parquet export through `hyparquet-writer`: `id` (UTF8),
 * `vector` a LIST of FLOAT (Parquet has no fixed-size list; pyarrow writes
 * Arrow's FixedSizeList the same way, and DuckDB, LanceDB and Qdrant's
 * importers read it as a float array), `metadata` (JSON), `text` (UTF8);
 * the metric and dimension in the key-value metadata. Rows are buffered
 * into row groups of about 16 MiB of vectors, written as they fill.
 * @internal
 */
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { ListedRecord } from '../iteration-types.js';
import type { ExportInfo, ExportWriter } from './export-format.js';

const ROW_GROUP_VECTOR_BYTES = 16 * 2 ** 20;

/** A Parquet writer to `path`. */
export function parquetWriter(path: string, info: ExportInfo): ExportWriter {
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema: [
      { name: 'root', num_children: 4 },
      { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'vector', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
      { name: 'metadata', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
      { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
    kvMetadata: [
      { key: 'minivectordb:dim', value: String(info.dim) },
      { key: 'minivectordb:metric', value: info.metric },
    ],
    createdBy: 'minivectordb',
  });
  const groupRows = Math.max(1, Math.floor(ROW_GROUP_VECTOR_BYTES / (4 * info.dim)));
  let pending: ListedRecord[] = [];
  let wrote = false;
  const flush = (): void => {
    if (pending.length === 0 && wrote) return;
    writer.write({
      columnData: [
        { name: 'id', data: pending.map((r) => r.id) },
        { name: 'vector', data: pending.map((r) => Array.from(r.vector!)) },
        { name: 'metadata', data: pending.map((r) => r.metadata ?? null) },
        { name: 'text', data: pending.map((r) => r.text ?? null) },
      ],
      rowGroupSize: Math.max(1, pending.length),
    });
    wrote = true;
    pending = [];
  };
  return {
    async write(records) {
      pending.push(...records);
      if (pending.length >= groupRows) flush();
    },
    async close() {
      flush();
      writer.finish();
    },
  };
}
