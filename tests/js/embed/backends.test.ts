// The CPU backends of the ONNX embedder, on a tiny random-weight BERT made by
// the bench's generator (scripts/model/lib/bert-folder.mjs; fp32 and the
// int8 dynamic-quantized form): onnxruntime-web's WebAssembly build
// (`backend: 'wasm'`), onnxruntime-node (`backend: 'native'`, a devDependency
// here through transformers.js; an optional peer for users), and
// transformers.js (its Node build runs onnxruntime-node) as an independent
// implementation of tokenization, padding, mean pooling and normalisation on
// the same files: all give the same vectors (cosine ≥ 0.9999).
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OnnxEmbedder } from '../../../js/src/embed/index.js';
import { InvalidArgumentError } from '../../../js/src/errors.js';
import { writeBertFolder, type BertArchitecture } from '../../../scripts/model/lib/bert-folder.mjs';
import { cosine, tempDir } from './helpers.js';

const TINY: BertArchitecture = { layers: 2, hidden: 32, heads: 4, ffn: 64, vocab: 400, positions: 64, types: 2 };
const DTYPES = ['fp32', 'q8'] as const;

describe('CPU backends on a random-weight BERT (fp32 and q8)', () => {
  const tmp = tempDir('backends');
  const dir = join(tmp.path, 'tiny-random-bert');
  let texts: string[] = [];
  beforeAll(() => {
    const { words } = writeBertFolder(dir, TINY, { seed: 7, dtypes: ['fp32', 'q8'] });
    // different lengths in one batch: padding and the attention mask matter
    texts = [words.slice(0, 5).join(' '), `${words[40]}, ${words[41]}! ${words[42]}`, words[7]!, words.slice(100, 140).join(' '), ''];
  });
  afterAll(() => tmp.remove());

  const embedWith = async (backend: 'wasm' | 'native' | 'auto', dtype: (typeof DTYPES)[number], log: string[] = []) => {
    const e = await OnnxEmbedder.create({
      modelPath: dir,
      dtype,
      backend,
      cache: false,
      logLevel: 'info',
      logger: { debug: () => {}, info: (m: string) => log.push(m), warn: (m: string) => log.push(m), error: () => {} },
    });
    try {
      return { backend: e.backend, vectors: await e.embed(texts) };
    } finally {
      await e.dispose();
    }
  };

  for (const dtype of DTYPES) {
    test(`${dtype}: backend 'native' runs onnxruntime-node and gives the vectors of 'wasm' (cosine ≥ 0.9999)`, async () => {
      const wasm = await embedWith('wasm', dtype);
      const log: string[] = [];
      const native = await embedWith('native', dtype, log);
      expect(wasm.backend).toBe('wasm');
      expect(native.backend).toBe('native');
      expect(log.some((m) => /onnxruntime-node .*native CPU/.test(m))).toBe(true);
      texts.forEach((t, i) => expect(cosine(native.vectors[i]!, wasm.vectors[i]!), JSON.stringify(t)).toBeGreaterThanOrEqual(0.9999));
    });

    test(`${dtype}: ours (wasm and native) and transformers.js give the same vectors (cosine ≥ 0.9999)`, async () => {
      const tjs = await import('@huggingface/transformers');
      tjs.env.allowRemoteModels = false;
      tjs.env.localModelPath = dirname(dir);
      tjs.env.useFSCache = false;
      const extractor = await tjs.pipeline('feature-extraction', basename(dir), { dtype, device: 'cpu' });
      let theirs: number[][];
      try {
        const out = await extractor(texts, { pooling: 'mean', normalize: true });
        const [n, d] = out.dims as [number, number];
        expect(n).toBe(texts.length);
        theirs = Array.from({ length: n }, (_, i) => Array.from(out.data.slice(i * d, (i + 1) * d) as Float32Array));
      } finally {
        await extractor.dispose();
      }
      for (const backend of ['wasm', 'native'] as const) {
        const ours = await embedWith(backend, dtype);
        texts.forEach((t, i) => {
          expect(ours.vectors[i]!.length).toBe(theirs[i]!.length);
          expect(cosine(ours.vectors[i]!, theirs[i]!), `${backend} ${JSON.stringify(t)}`).toBeGreaterThanOrEqual(0.9999);
        });
      }
    });
  }

  test("backend 'auto' (the default) in Node picks onnxruntime-node when it imports, and logs it", async () => {
    const log: string[] = [];
    const auto = await embedWith('auto', 'fp32', log);
    expect(auto.backend).toBe('native');
    expect(log.some((m) => m.includes("backend 'auto'") && m.includes('onnxruntime-node'))).toBe(true);
    expect(log.some((m) => m.includes('embedder:') && m.includes('onnxruntime-node'))).toBe(true);
  });

  test('a backend that does not exist is refused', async () => {
    await expect(OnnxEmbedder.create({ modelPath: dir, backend: 'cuda' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(OnnxEmbedder.create({ modelPath: dir, backend: 'cuda' as never })).rejects.toThrow(/backend must be 'auto', 'wasm' or 'native'/);
  });
});
