// The ONNX graph of the default model (scripts/model/lib/static-graph.mjs,
// written with the project's protobufjs ONNX writer) on a small random table,
// against a plain-JS computation of what it should do: rows chosen by the
// next-token rule, int8 × per-row scale, masked sum, bias, L2 norm.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web/wasm';
import { describe, expect, test } from 'vitest';
import { staticEmbeddingModel } from '../../../scripts/model/lib/static-graph.mjs';
import { DEFAULT_MODEL_DIR, maxDiff, tempDir } from './helpers.js';

const DIM = 8;
const ROWS = 12;
const VOCAB = 10; // ids 0..6 words/pieces, 7..9 continuation pieces
const CONT = 7;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function toyModel() {
  const r = lcg(7);
  const table = Int8Array.from({ length: ROWS * DIM }, () => Math.round(r() * 254) - 127);
  const scale = Float32Array.from({ length: ROWS }, (_, i) => (i === 0 ? 0 : 0.001 + r() * 0.02));
  const wordRow = Int32Array.from({ length: VOCAB }, (_, i) => (i === 0 ? 0 : 1 + (i % (ROWS - 1))));
  const prefixRow = Int32Array.from({ length: VOCAB }, (_, i) => (i >= 3 && i < CONT ? ROWS - 1 - (i % 3) : wordRow[i]!));
  const bias = Float32Array.from({ length: DIM }, (_, i) => (i === 0 ? 1e-4 : 0));
  return { table, scale, wordRow, prefixRow, contStart: CONT, bias };
}

/** What the graph computes, for one row of ids (padding = mask 0). */
function reference(m: ReturnType<typeof toyModel>, ids: number[], mask: number[]): number[] {
  const v = Array.from(m.bias);
  for (let t = 0; t < ids.length; t++) {
    const next = t + 1 < ids.length ? ids[t + 1]! : 0;
    const row = next >= m.contStart ? m.prefixRow[ids[t]!]! : m.wordRow[ids[t]!]!;
    for (let k = 0; k < DIM; k++) v[k]! += m.table[row * DIM + k]! * m.scale[row]! * mask[t]!;
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('static embedding graph', () => {
  test('matches the plain-JS computation, including the prefix rule and padding', async () => {
    const m = toyModel();
    ort.env.wasm.numThreads ??= 1;
    const session = await ort.InferenceSession.create(staticEmbeddingModel(m), { logSeverityLevel: 3 });
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(session.outputNames).toEqual(['sentence_embedding']);
    const rows = [
      [1, 2, 3, 8, 9, 4], // 3 starts a split word: prefix row; 8, 9 continuation pieces
      [5, 7, 6, 0, 0, 0], // padded
      [4, 3, 5, 6, 1, 2],
      [0, 0, 0, 0, 0, 0], // nothing: the bias direction
    ];
    const masks = rows.map((r, i) => r.map((id, t) => (i === 1 && t >= 3) || i === 3 ? 0 : 1));
    const S = rows[0]!.length;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, S]),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(masks.flat().map(BigInt)), [rows.length, S]),
    });
    const y = out.sentence_embedding!;
    expect(y.dims).toEqual([rows.length, DIM]);
    const data = y.data as Float32Array;
    rows.forEach((ids, b) => expect(maxDiff(data.subarray(b * DIM, (b + 1) * DIM), reference(m, ids, masks[b]!))).toBeLessThan(1e-5));
    await session.release();
  });

  const python = '/usr/bin/python3';
  const hasOnnx = existsSync(python) && (() => {
    try {
      execFileSync(python, ['-c', 'import onnx'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  test.skipIf(!hasOnnx)('passes onnx.checker (full check), and so does the default model', () => {
    const tmp = tempDir('onnx');
    try {
      const toy = join(tmp.path, 'toy.onnx');
      writeFileSync(toy, staticEmbeddingModel(toyModel()));
      const files = [toy];
      const built = join(DEFAULT_MODEL_DIR, 'onnx', 'model.onnx');
      if (existsSync(built)) files.push(built);
      const script = 'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint("ok")';
      expect(execFileSync(python, ['-c', script, ...files], { encoding: 'utf8' }).trim()).toBe('ok');
    } finally {
      tmp.remove();
    }
  });
});
