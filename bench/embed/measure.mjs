// The measurement shared by the Node worker and the Chromium page (no Node
// imports): for each text length, embed batches of 1, 8 and 32 different
// texts (median ms of the timed calls after a warm-up call), tokenization of
// 32 texts alone, and the vectors of the first 4 texts for the same-vectors check.

export const BATCHES = [1, 8, 32];

/** Median of the timed calls of `fn` after one warm-up call: at least 3 calls and `minMs`, at most 30 calls. */
async function timeIt(fn, inputs, minMs) {
  await fn(inputs(0));
  const times = [];
  const start = performance.now();
  for (let i = 1; times.length < 3 || (performance.now() - start < minMs && times.length < 30); i++) {
    const x = inputs(i);
    const t = performance.now();
    await fn(x);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1], runs: times.length };
}

/**
 * @param {{ embed(t: string[]): Promise<ArrayLike<number>[]>, tokenize(t: string[]): unknown, countTokens?: (t: string) => number }} sys
 * @param {Record<string, { tokens: number, texts: string[] }>} pools - per length name, ≥ 64 texts of `tokens` tokens
 * @param {number} minMs
 */
export async function measure(sys, pools, minMs) {
  const rows = [];
  const vectors = {};
  for (const [length, { tokens, texts }] of Object.entries(pools)) {
    if (sys.countTokens !== undefined && sys.countTokens(texts[0]) !== tokens) throw new Error(`bench text has ${sys.countTokens(texts[0])} tokens, expected ${tokens}`);
    vectors[length] = Array.from(await sys.embed(texts.slice(0, 4)), (v) => Array.from(v));
    const slice = (batch) => (i) => {
      const o = (i * batch) % (texts.length - batch);
      return texts.slice(o, o + batch);
    };
    for (const batch of BATCHES) {
      const { medianMs, runs } = await timeIt((t) => sys.embed(t), slice(batch), minMs);
      rows.push({ length, tokens, batch, medianMs, textsPerS: (batch * 1000) / medianMs, runs });
    }
    const tok = await timeIt(async (t) => sys.tokenize(t), slice(32), minMs);
    rows.push({ length, tokens, batch: 32, tokenizeOnly: true, medianMs: tok.medianMs, textsPerS: (32 * 1000) / tok.medianMs, runs: tok.runs });
  }
  return { rows, vectors };
}
