// The default model (wordnet-256) end to end in Node: built from Debian's
// wordnet-base and wamerican by scripts/model/build-default-model.mjs (here,
// if it is missing or stale), located without options, run through the same
// ONNX embedder as any Hugging Face model.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEmbedder, DEFAULT_TEXT_MODEL, DEFAULT_TEXT_MODEL_DIM, OnnxEmbedder } from '../../../js/src/embed/index.js';
import { buildDefaultModel, MODEL_FILES } from '../../../scripts/model/build-default-model.mjs';
import { cosine, DEFAULT_MODEL_DIR, listFiles, norm, tempDir } from './helpers.js';

let e: OnnxEmbedder;
const vec = async (t: string) => (await e.embed([t]))[0]!;
const sim = async (a: string, b: string) => cosine(await vec(a), await vec(b));

beforeAll(async () => {
  await buildDefaultModel({ outDir: DEFAULT_MODEL_DIR }); // no-op when up to date
  e = (await createEmbedder()) as OnnxEmbedder; // no options: the default model, found from the source tree
}, 300_000);
afterAll(async () => {
  await e?.dispose();
});

describe('wordnet-256', () => {
  test('is found without options and describes itself', () => {
    expect(e).toBeInstanceOf(OnnxEmbedder);
    expect(e.dim).toBe(DEFAULT_TEXT_MODEL_DIM);
    expect(e.info).toMatchObject({ kind: 'onnx', model: DEFAULT_TEXT_MODEL, dim: 256, pooling: 'sentence_embedding', normalize: true, maxLength: 4096 });
    expect(e.info.config).toMatchObject({ model: DEFAULT_TEXT_MODEL });
  });

  test('every text gets a finite unit vector: empty, stop words only, punctuation, other scripts', async () => {
    const texts = ['', ' ', 'the of and', '!!! ???', '日本語のテキスト', 'Ελληνικά', 'a'.repeat(500), 'How do I fix my bicycle?'];
    const out = await e.embed(texts);
    for (const [i, v] of out.entries()) {
      expect(v.length, texts[i]).toBe(256);
      expect(v.every(Number.isFinite), texts[i]).toBe(true);
      expect(Math.abs(norm(v) - 1), texts[i]).toBeLessThan(1e-5);
    }
  });

  test('the same text gives the same vector, alone or in a batch', async () => {
    const texts = ['pdf viewer', 'repairing a bike', 'numpy', ''];
    const batch = await e.embed(texts);
    for (const [i, t] of texts.entries()) expect(Array.from(await vec(t))).toEqual(Array.from(batch[i]!));
  });

  test('case, accents and inflections: same word, same vector', async () => {
    expect(await sim('Café', 'cafe')).toBeGreaterThan(0.9999);
    expect(await sim('CARS', 'car')).toBeGreaterThan(0.99);
    expect(await sim('geese', 'goose')).toBeGreaterThan(0.99);
    expect(await sim('was running', 'run')).toBeGreaterThan(0.95);
  });

  test('unknown words keep an identity of their own (hashed pieces inside the model)', async () => {
    // made-up identifiers: not in the vocabulary, yet no [UNK] (id 1) and a stable vector
    for (const w of ['xqzvbnw', 'fooblaxify', 'k8sctl2']) {
      expect(e.tokenize(w)).not.toContain(1);
      expect(e.tokenize(w).length).toBeGreaterThan(1);
    }
    const docs = ['install xqzvbnw on the server', 'the fooblaxify release notes', 'a guide to gardening', 'k8sctl2 command reference'];
    const dv = await e.embed(docs);
    for (const [q, want] of [['xqzvbnw', 0], ['fooblaxify', 1], ['k8sctl2', 3]] as const) {
      const qv = await vec(q);
      const scores = dv.map((d) => cosine(qv, d));
      expect(scores.indexOf(Math.max(...scores)), q).toBe(want);
    }
    expect(await sim('xqzvbnw', 'fooblaxify')).toBeLessThan(0.3);
  });

  test('an unknown word that starts with a known one does not inherit its meaning', async () => {
    // "carxq" splits into "car" + "##xq"; "car" then stands for a hashed prefix, not for cars
    expect(e.tokenize('carxq')).toHaveLength(2);
    expect(await sim('carxq', 'car')).toBeLessThan(0.3);
    expect(await sim('carxq', 'automobile')).toBeLessThan(0.3);
    expect(await sim('carxq', 'carxq')).toBeGreaterThan(0.9999);
  });

  test('long texts are truncated to maxLength tokens', async () => {
    const long = Array.from({ length: 5000 }, (_, i) => (i % 2 ? 'bicycle' : 'repair')).join(' ');
    expect(e.tokenize(long)).toHaveLength(4096);
    const v = await vec(long);
    expect(await sim('repair bicycle', long)).toBeGreaterThan(0.99);
    expect(norm(v)).toBeCloseTo(1, 5);
  });

  test('ships the WordNet licence and the SCOWL notice beside the model', () => {
    expect(listFiles(DEFAULT_MODEL_DIR)).toEqual([...MODEL_FILES].sort());
    expect(readFileSync(join(DEFAULT_MODEL_DIR, 'LICENSE-WordNet.txt'), 'utf8')).toContain('WordNet 3.0 Copyright 2006 by Princeton University');
    expect(readFileSync(join(DEFAULT_MODEL_DIR, 'NOTICE-SCOWL.txt'), 'utf8')).toContain('Kevin Atkinson');
    const cfg = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'config.json'), 'utf8'));
    expect(cfg.hidden_size).toBe(256);
  });

  test('the build is deterministic: a fresh build gives the same bytes', async () => {
    const tmp = tempDir('wordnet');
    try {
      await buildDefaultModel({ outDir: tmp.path, force: true });
      const digest = (dir: string) =>
        Object.fromEntries((MODEL_FILES as string[]).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
      expect(digest(tmp.path)).toEqual(digest(DEFAULT_MODEL_DIR));
    } finally {
      tmp.remove();
    }
  }, 300_000);
});
