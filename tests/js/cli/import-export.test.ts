/**
 * The CLI as a child process: import a JSONL of vectors, inspect it, export
 * it to JSONL, Apache Arrow and Parquet and read each back with an
 * independent reader (apache-arrow's tableFromIPC, hyparquet), compare to the
 * data written; search equals the library's on the same snapshot; appending
 * replaces ids; a bad line fails with its line number and leaves the snapshot unchanged.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecordBatchStreamReader, tableFromIPC, Type, Precision, type FixedSizeList, type Float32 } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { randomVectors, tempDir } from '../helpers.js';
import { cliJson, runCli, writeJsonl } from './run-cli.js';

const DIM = 12;
const N = 600;
const vectors = randomVectors(N, DIM, 41);
const records = vectors.map((v, i) => ({ id: `doc-${i}`, vector: Array.from(v), metadata: { i, lang: i % 3 === 0 ? 'en' : 'fr', tags: [`t${i % 5}`] } }));
const byId = new Map(records.map((r) => [r.id, r]));

describe('import, inspect, export, search', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let db: string;
  beforeAll(async () => {
    tmp = await tempDir();
    db = join(tmp.dir, 'vec.mvdb');
    await writeJsonl(join(tmp.dir, 'vec.jsonl'), records);
    const summary = await cliJson<{ inserted: number; count: number; dim: number; created: boolean }>(['import', join(tmp.dir, 'vec.jsonl'), db, '--metric', 'l2', '--batch-size', '100', '--json']);
    expect(summary).toMatchObject({ inserted: N, count: N, dim: DIM, created: true });
  });
  afterAll(() => tmp.cleanup());

  test('inspect reports the counts, configuration and sections', async () => {
    const report = await cliJson<{ records: { count: number; deleted: number }; config: { dim: number; metric: string }; sections: { tag: string; bytes: number }[]; bytes: number; model: unknown }>(['inspect', db, '--json']);
    expect(report.records).toMatchObject({ count: N, deleted: 0 });
    expect(report.config).toMatchObject({ dim: DIM, metric: 'l2' });
    expect(report.model).toBeNull();
    expect(report.sections.find((s) => s.tag === 'VECS')!.bytes).toBe(N * DIM * 4);
    expect(report.bytes).toBe((await readFile(db)).byteLength);
    const text = await runCli(['inspect', db]);
    expect(text.stdout).toMatch(new RegExp(`${N} live, 0 deleted`));
  });

  test('JSONL export reads back equal (float32 values exact)', async () => {
    const out = join(tmp.dir, 'out.jsonl');
    await cliJson(['export', db, out, '--json']);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as (typeof records)[number]);
    expect(lines.length).toBe(N);
    for (const r of lines) {
      const original = byId.get(r.id)!;
      expect(r.metadata).toEqual(original.metadata);
      expect(r.vector).toEqual(original.vector); // the JSONL held float32 values: they come back as the same doubles
    }
  });

  test('Arrow IPC export: FixedSizeList<float32>[dim] vectors, JSON metadata, read by apache-arrow', async () => {
    const out = join(tmp.dir, 'out.arrow');
    await cliJson(['export', db, out, '--batch-size', '128', '--json']);
    const table = tableFromIPC(await readFile(out));
    expect(table.numRows).toBe(N);
    const vectorField = table.schema.fields.find((f) => f.name === 'vector')!;
    expect(String(vectorField.type)).toBe(`FixedSizeList[${DIM}]<Float32>`);
    expect(table.schema.metadata.get('minivectordb:metric')).toBe('l2');
    const ids = table.getChild('id')!.toArray() as string[];
    const vecs = table.getChild('vector')!;
    const metas = table.getChild('metadata')!;
    for (let row = 0; row < N; row++) {
      const original = byId.get(ids[row]!)!;
      expect(Array.from(vecs.get(row)!.toArray() as Float32Array)).toEqual(original.vector);
      expect(JSON.parse(metas.get(row) as string)).toEqual(original.metadata);
    }
    expect(new Set(ids).size).toBe(N);
  });

  test('Parquet export: FixedSizeList<float32>[dim] vectors (LIST<FLOAT> + ARROW:schema, as pyarrow writes), JSON metadata, read by hyparquet and apache-arrow', async () => {
    const out = join(tmp.dir, 'out.parquet');
    await cliJson(['export', db, out, '--json']);
    const bytes = await readFile(out);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const meta = parquetMetadata(file);
    expect(Number(meta.num_rows)).toBe(N);
    expect(meta.key_value_metadata?.find((kv) => kv.key === 'minivectordb:dim')?.value).toBe(String(DIM));
    // The Parquet schema: vector is a required LIST of required FLOAT (three-level list).
    const names = meta.schema.map((e) => [e.name, e.type ?? null, e.repetition_type ?? null, e.converted_type ?? null]);
    const at = names.findIndex(([name]) => name === 'vector');
    expect(names.slice(at, at + 3)).toEqual([
      ['vector', null, 'REQUIRED', 'LIST'],
      ['list', null, 'REPEATED', null],
      ['element', 'FLOAT', 'REQUIRED', null],
    ]);
    // The Arrow schema Arrow readers restore: the IPC schema message in ARROW:schema, decoded by apache-arrow.
    const stored = meta.key_value_metadata?.find((kv) => kv.key === 'ARROW:schema')?.value;
    expect(typeof stored).toBe('string');
    const message = Buffer.from(stored!, 'base64');
    expect(message.readUInt32LE(0)).toBe(0xffffffff); // continuation marker, as Arrow C++ writes it
    const eos = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    const schema = (await RecordBatchStreamReader.from(new Uint8Array([...message, ...eos])).open()).schema;
    const vector = schema.fields.find((f) => f.name === 'vector')!;
    expect(vector.nullable).toBe(false);
    expect(vector.type.typeId).toBe(Type.FixedSizeList);
    expect((vector.type as FixedSizeList).listSize).toBe(DIM);
    expect((vector.type as FixedSizeList).children[0]!.type.typeId).toBe(Type.Float);
    expect(((vector.type as FixedSizeList).children[0]!.type as Float32).precision).toBe(Precision.SINGLE);
    expect(schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([
      ['id', 'Utf8', false],
      ['vector', `FixedSizeList[${DIM}]<Float32>`, false],
      ['metadata', 'Utf8', true],
      ['text', 'Utf8', true],
    ]);
    const rows = (await parquetReadObjects({ file })) as { id: string; vector: number[]; metadata: unknown; text: unknown }[];
    expect(rows.length).toBe(N);
    for (const r of rows) {
      const original = byId.get(r.id)!;
      expect(Array.from(r.vector, Math.fround)).toEqual(original.vector);
      expect(typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata).toEqual(original.metadata);
      expect(r.text ?? null).toBeNull();
    }
  });

  test('--filter exports only the matching records', async () => {
    const out = join(tmp.dir, 'en.jsonl');
    const summary = await cliJson<{ records: number }>(['export', db, out, '--filter', '{"lang":"en"}', '--json']);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; metadata: { lang: string } });
    expect(summary.records).toBe(records.filter((r) => r.metadata.lang === 'en').length);
    expect(lines.length).toBe(summary.records);
    expect(lines.every((l) => l.metadata.lang === 'en')).toBe(true);
  });

  test('search prints what the library returns on the same snapshot', async () => {
    const lib = await MiniVectorDB.open(pathToFileURL(db).href);
    try {
      for (const q of randomVectors(2, DIM, 42)) {
        const query = JSON.stringify(Array.from(q));
        expect(await cliJson(['search', db, '--vector', query, '-k', '7'])).toEqual(JSON.parse(JSON.stringify(await lib.search(q, { k: 7 }))));
        expect(await cliJson(['search', db, '--vector', query, '-k', '5', '--exact', '--filter', '{"tags":"t2"}'])).toEqual(
          JSON.parse(JSON.stringify(await lib.search(q, { k: 5, exact: true, filter: { tags: 't2' } }))),
        );
      }
    } finally {
      await lib.close();
    }
  });

  test('appending replaces ids; a bad line fails with its line number and changes nothing', async () => {
    const copy = join(tmp.dir, 'append.mvdb');
    await cliJson(['import', join(tmp.dir, 'vec.jsonl'), copy, '--json']);
    const extra = [{ id: 'doc-0', vector: Array(DIM).fill(0.5), metadata: { replaced: true } }, { id: 'new-1', vector: Array(DIM).fill(0.25) }];
    await writeJsonl(join(tmp.dir, 'extra.jsonl'), extra);
    expect(await cliJson(['import', join(tmp.dir, 'extra.jsonl'), copy, '--json'])).toMatchObject({ inserted: 1, updated: 1, count: N + 1, created: false });
    const lib = await MiniVectorDB.open(pathToFileURL(copy).href);
    expect((await lib.get('doc-0'))!.metadata).toEqual({ replaced: true });
    await lib.close();

    const before = await readFile(copy);
    await writeJsonl(join(tmp.dir, 'bad.jsonl'), [{ id: 'ok-1', vector: Array(DIM).fill(1) }, { id: 'ok-2', vector: Array(DIM).fill(1) }, { id: 'bad', vector: Array(DIM + 1).fill(1) }]);
    const bad = await runCli(['import', join(tmp.dir, 'bad.jsonl'), copy]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/DimensionMismatchError \(DIMENSION_MISMATCH\): .*bad\.jsonl:3: /);
    expect((await readFile(copy)).equals(before)).toBe(true);

    await writeFile(join(tmp.dir, 'notjson.jsonl'), `${JSON.stringify(extra[1])}\n{"id": oops}\n`);
    const notJson = await runCli(['import', join(tmp.dir, 'notjson.jsonl'), copy]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/notjson\.jsonl:2: not JSON/);
    expect((await readFile(copy)).equals(before)).toBe(true);
  });

  test('usage errors exit 2 with a message', async () => {
    const r = await runCli(['export', db, join(tmp.dir, 'x.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format/);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const wrongDim = await runCli(['import', join(tmp.dir, 'vec.jsonl'), db, '--dim', String(DIM + 1)]);
    expect([wrongDim.code, /exists with dim 12/.test(wrongDim.stderr)]).toEqual([2, true]);
    expect((await runCli(['search', db, '--vector', '[1,2'])).stderr).toMatch(/--vector is not valid JSON/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/import .*\n.*export/);
  });
});
