/**
 * Text records through the CLI with the built-in model (wordnet-256): the
 * imported vectors equal what the library's own embedder gives for the same
 * texts, texts are kept with --store-text, inspect names the model, and
 * text searches print what the library returns.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEmbedder, MiniVectorDB } from 'minivectordb';
import { tempDir } from '../helpers.js';
import { cliJson, writeJsonl } from './run-cli.js';

const texts = [
  'repairing a bike',
  'baking bread at home',
  'fixing a flat bicycle tire',
  'a recipe for sourdough',
  'learning to play the guitar',
  'tuning a violin',
  'planting tomatoes in the garden',
  'watering houseplants',
];
const records = texts.map((text, i) => ({ id: `t${i}`, text, metadata: { n: i } }));

describe('text import with the default model', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let db: string;
  beforeAll(async () => {
    tmp = await tempDir();
    db = join(tmp.dir, 'text.mvdb');
    await writeJsonl(join(tmp.dir, 'texts.jsonl'), records);
    expect(await cliJson(['import', join(tmp.dir, 'texts.jsonl'), db, '--store-text', '--batch-size', '3', '--json'])).toMatchObject({ inserted: texts.length, dim: 256, metric: 'cosine' });
  });
  afterAll(() => tmp.cleanup());

  test('vectors equal the library embedder; texts kept; inspect names the model', async () => {
    const embedder = await createEmbedder({});
    const expected = await embedder.embed(texts);
    const lib = await MiniVectorDB.open(pathToFileURL(db).href);
    try {
      for (let i = 0; i < texts.length; i++) {
        const got = (await lib.get(`t${i}`))!;
        expect(got.text).toBe(texts[i]);
        const want = expected[i]!;
        got.vector.forEach((x, j) => expect(x).toBeCloseTo(want[j]!, 6));
      }
    } finally {
      await lib.close();
      await embedder.dispose();
    }
    const report = await cliJson<{ model: { model: string; dim: number }; storeText: boolean }>(['inspect', db, '--json']);
    expect(report.model).toMatchObject({ model: 'wordnet-256', dim: 256 });
    expect(report.storeText).toBe(true);
  });

  test('search --text prints what the library returns', async () => {
    const lib = await MiniVectorDB.open(pathToFileURL(db).href);
    try {
      for (const [query, mode] of [['how do I fix my bicycle', 'hybrid'], ['guitar', 'text']] as const) {
        const cli = await cliJson<{ id: string }[]>(['search', db, '--text', query, '-k', '3', '--mode', mode]);
        expect(cli).toEqual(JSON.parse(JSON.stringify(await lib.search(query, { k: 3, mode }))));
        expect(cli.length).toBeGreaterThan(0);
      }
    } finally {
      await lib.close();
    }
  });
});
