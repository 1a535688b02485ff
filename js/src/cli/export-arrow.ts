/**
 * Apache Arrow IPC file export (`.arrow`, also read as Feather v2) through
 * `apache-arrow`: `vector` is a FixedSizeList<float32>[dim] (the type
 * LanceDB, DuckDB, Polars and pyarrow-based importers take as an embedding
 * column), `metadata` a UTF-8 column tagged with the canonical `arrow.json`
 * extension, the metric and dimension in the schema's metadata. One record
 * batch per export batch, streamed to the file.
 * @internal
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Field, FixedSizeList, Float32, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import type { ExportInfo, ExportWriter } from './export-format.js';

/** The schema of an export. */
export function arrowSchema(info: ExportInfo): Schema {
  const json = new Map([['ARROW:extension:name', 'arrow.json'], ['ARROW:extension:metadata', '']]);
  return new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('vector', new FixedSizeList(info.dim, new Field('item', new Float32(), false)), false),
      new Field('metadata', new Utf8(), true, json),
      new Field('text', new Utf8(), true),
    ],
    new Map([['minivectordb:dim', String(info.dim)], ['minivectordb:metric', info.metric]]),
  );
}

/** An Arrow IPC file writer to `path`. */
export function arrowWriter(path: string, info: ExportInfo): ExportWriter {
  const schema = arrowSchema(info);
  const writer = new RecordBatchFileWriter();
  const done = pipeline(writer.toNodeStream(), createWriteStream(path));
  done.catch(() => undefined);
  let wrote = false;
  return {
    async write(records) {
      const n = records.length;
      const flat = new Float32Array(n * info.dim);
      records.forEach((r, i) => flat.set(r.vector!, i * info.dim));
      const vectorType = schema.fields[1]!.type as FixedSizeList<Float32>;
      const children = [
        vectorFromArray(records.map((r) => r.id), new Utf8()).data[0]!,
        makeData({ type: vectorType, length: n, nullCount: 0, child: makeData({ type: new Float32(), length: n * info.dim, data: flat }) }),
        vectorFromArray(records.map((r) => (r.metadata === undefined ? null : JSON.stringify(r.metadata))), new Utf8()).data[0]!,
        vectorFromArray(records.map((r) => r.text ?? null), new Utf8()).data[0]!,
      ];
      writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children })));
      wrote = true;
    },
    async close() {
      if (!wrote) writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children: emptyChildren(schema) })));
      writer.finish();
      writer.close();
      await done;
    },
  };
}

function emptyChildren(schema: Schema) {
  return schema.fields.map((f) => vectorFromArray([], f.type).data[0]!);
}
