// The same-process A/B measurement of bench/embed/ab.mjs, shared by Node and
// the Chromium page (ab-page.mjs; no Node imports here): the two systems,
// built the same way in both places, and the interleaved timing loop.

/**
 * Our embedder as an A/B system. `phases` reach into its parts (internal,
 * so they may differ between builds: both the current `encodeAll` and the
 * older per-text `encode` are handled).
 * @param {{ OnnxEmbedder: any, poolTokens: Function, normalizeL2: Function }} lib - a build's exports (index.js, embed/pooling.js)
 * @param {object} options - OnnxEmbedder.create options
 */
export async function oursSystem(lib, options, label) {
  const e = await lib.OnnxEmbedder.create(options);
  const enc = e.encoding;
  const model = e.model;
  const padded = (t) => enc.pad(typeof enc.encodeAll === 'function' ? enc.encodeAll(t) : t.map((s) => enc.encode(s)), model.feedsTypeIds);
  return {
    label: `${label} (${e.backend})`,
    embed: (t) => e.embed(t, { batchSize: 32 }),
    tokenize: padded,
    phases: {
      tokenize: padded,
      run: async (b) => ({ b, data: await model.run(b) }),
      pool: ({ b, data }) => {
        for (const v of lib.poolTokens(data, b.attentionMask, b.size, b.seq, e.dim, 'mean')) lib.normalizeL2(v);
      },
    },
    dispose: () => e.dispose(),
  };
}

/** transformers.js's feature-extraction pipeline `x` as an A/B system (what its pipeline call does, phase by phase). */
export function tjsSystem(tjs, x, pooling, label) {
  const tokenize = (t) => x.tokenizer(t, { padding: true, truncation: true });
  return {
    label,
    embed: async (t) => {
      const out = await x(t, { pooling, normalize: true });
      const [n, d] = out.dims;
      return Array.from({ length: n }, (_, i) => out.data.slice(i * d, (i + 1) * d));
    },
    tokenize,
    phases: {
      tokenize,
      run: async (inputs) => ({ inputs, out: (await x.model(inputs)).last_hidden_state }),
      pool: ({ inputs, out }) => tjs.mean_pooling(out, inputs.attention_mask).normalize(2, -1),
    },
    dispose: () => x.dispose(),
  };
}

/** The rows: per text length, embed calls of each batch size, tokenization of 32, and with `phases` the three phases of a batch of 32. */
export function abRows({ lengths, batches, phases }) {
  const rows = [];
  for (const n of lengths) {
    for (const batch of batches) rows.push({ name: `${n} tokens × ${batch}`, n, batch, call: (s, t) => s.embed(t) });
    rows.push({ name: `${n} tokens, tokenize 32`, n, batch: 32, call: (s, t) => s.tokenize(t) });
    if (phases) {
      // one phase timed alone; the phases before it run untimed on the same texts
      rows.push({ name: `${n} × 32 phase: tokenize+pad`, n, batch: 32, call: (s, t) => s.phases.tokenize(t) });
      rows.push({ name: `${n} × 32 phase: session run`, n, batch: 32, prepare: (s, t) => s.phases.tokenize(t), call: (s, x) => s.phases.run(x) });
      rows.push({ name: `${n} × 32 phase: pool+L2`, n, batch: 32, prepare: (s, t) => s.phases.run(s.phases.tokenize(t)), call: (s, x) => s.phases.pool(x) });
    }
  }
  return rows;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Times A against B: per round and row, one warm-up call each, then `calls`
 * pairs of calls on the same texts, A and B alternating (B first on odd
 * rounds); each round's value is the median call, its ratio A / B.
 * @param {Record<number, string[]>} pools - texts per token length
 * @returns {Promise<{ rows: { name: string, a: number[], b: number[], ratio: number[] }[], minCosine: number }>}
 */
export async function compare(A, B, pools, opt, onRound = () => {}) {
  // same vectors first: a faster wrong answer is no answer
  let minCosine = 1;
  for (const n of opt.lengths) {
    const texts = pools[n].slice(0, 4);
    const [a, b] = [await A.embed(texts), await B.embed(texts)];
    a.forEach((v, i) => (minCosine = Math.min(minCosine, cosine(v, b[i]))));
  }
  const rows = abRows(opt);
  const out = rows.map((r) => ({ name: r.name, a: [], b: [], ratio: [] }));
  let offset = 0;
  const nextTexts = (row) => {
    const texts = pools[row.n];
    const o = (offset++ * row.batch) % (texts.length - row.batch);
    return texts.slice(o, o + row.batch);
  };
  const timeOne = async (sys, row, texts) => {
    const input = row.prepare ? await row.prepare(sys, texts) : texts;
    const t = performance.now();
    await row.call(sys, input);
    return performance.now() - t;
  };
  for (let round = 0; round < opt.rounds; round++) {
    const order = round % 2 === 0 ? [A, B] : [B, A];
    for (const [r, row] of rows.entries()) {
      const times = new Map([[A, []], [B, []]]);
      for (const s of order) await timeOne(s, row, nextTexts(row));
      for (let c = 0; c < opt.calls; c++) {
        const texts = nextTexts(row);
        for (const s of order) times.get(s).push(await timeOne(s, row, texts));
      }
      const [a, b] = [median(times.get(A)), median(times.get(B))];
      out[r].a.push(a);
      out[r].b.push(b);
      out[r].ratio.push(a / b);
    }
    await onRound(round);
  }
  return { rows: out, minCosine };
}

/** The markdown table of {@link compare}'s result. */
export function abTable(result) {
  const f = (x) => x.toFixed(x < 10 ? 2 : 1);
  const lines = ['| row | A ms | B ms | A / B (median of rounds) | per round |', '|---|---|---|---|---|'];
  for (const x of result.rows) lines.push(`| ${x.name} | ${f(median(x.a))} | ${f(median(x.b))} | **${median(x.ratio).toFixed(2)}** | ${x.ratio.map((v) => v.toFixed(2)).join(' ')} |`);
  return lines.join('\n');
}

function cosine(a, b) {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) (d += a[i] * b[i]), (na += a[i] * a[i]), (nb += b[i] * b[i]);
  return d / Math.sqrt(na * nb);
}
