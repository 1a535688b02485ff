/**
 * Apache Parquet export through `hyparquet-writer`: `id` (UTF8),
 * `vector` a FixedSizeList<float32>[dim], `metadata` (JSON), `text` (UTF8);
 * the metric and dimension in the key-value metadata. Parquet has no
 * fixed-size list type: as pyarrow writes one, the column is a LIST of
 * required FLOAT and the file's `ARROW:schema` key holds the Arrow schema
 * (the one of the Arrow export, `export-arrow.ts`) that makes Arrow readers
 * — pyarrow, LanceDB, Polars — read it back as FixedSizeList<float32>[dim]
 * (readers that ignore that key, DuckDB among them, see FLOAT[]: cast with
 * `vector::FLOAT[dim]`). Rows are buffered into row groups of about 16 MiB
 * of vectors, written as they fill.
 * @internal
 */
import { Table, tableToIPC } from 'apache-arrow';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { ListedRecord } from '../iteration-types.js';
import { arrowSchema } from './export-arrow.js';
import type { ExportInfo, ExportWriter } from './export-format.js';

/**
 * The value of `ARROW:schema` as Arrow's Parquet writer stores it: the
 * encapsulated IPC schema message (continuation marker 0xFFFFFFFF, int32
 * length, flatbuffer `Schema`) in base64.
 */
export function arrowSchemaMetadata(info: ExportInfo): string {
  const stream = tableToIPC(new Table(arrowSchema(info)), 'stream'); // the schema message, then the end-of-stream marker
  const length = new DataView(stream.buffer, stream.byteOffset, 8).getInt32(4, true);
  return Buffer.from(stream.subarray(0, 8 + length)).toString('base64');
}

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
      { key: 'ARROW:schema', value: arrowSchemaMetadata(info) },
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
