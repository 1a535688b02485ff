// The README's AI SDK snippet, with a deterministic fake EmbeddingModelV3 in place of a provider's model.
import { createEmbedder, MiniVectorDB } from 'minivectordb';
import { fromAiSdk, toAiSdk } from 'minivectordb/ai-sdk';
import { embedMany } from 'ai';

/** Letter counts a–z, a stand-in for openai.embedding('text-embedding-3-small'): the AI SDK v3 model contract. */
const calls = [];
const model = {
  specificationVersion: 'v3',
  provider: 'fake',
  modelId: 'letters',
  maxEmbeddingsPerCall: 2,
  supportsParallelCalls: false,
  async doEmbed({ values }) {
    calls.push(values.length);
    return { embeddings: values.map(letters), warnings: [] };
  },
};
function letters(text) {
  const v = new Array(26).fill(0.01);
  for (const c of text.toLowerCase()) if (c >= 'a' && c <= 'z') v[c.charCodeAt(0) - 97] += 1;
  return v;
}

// --- README snippet: begin
const db = await MiniVectorDB.create({ embedder: await fromAiSdk(model, { dim: 26 }), storeText: true });
await db.insertMany([
  { id: 'a', text: 'zebra zone' },
  { id: 'b', text: 'apple banana' },
  { id: 'c', text: 'quiz jazz' },
]);
const hits = await db.search('a lazy zebra', { k: 2, mode: 'vector' });

// …and ours as an AI SDK model, for anything that takes one:
const { embeddings } = await embedMany({ model: toAiSdk(await createEmbedder()), values: ['on-device', 'embeddings'] });
// --- README snippet: end

// Reference: brute-force cosine over the fake model's vectors.
const cos = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
const q = letters('a lazy zebra');
const truth = [['a', 'zebra zone'], ['b', 'apple banana'], ['c', 'quiz jazz']].map(([id, t]) => [id, cos(q, letters(t))]).sort((x, y) => y[1] - x[1]).slice(0, 2);
const ours = await (await createEmbedder()).embed(['on-device']);
process.stdout.write(JSON.stringify({ hits: hits.map((h) => h.id), truth: truth.map((t) => t[0]), scores: hits.map((h) => h.score), truthScores: truth.map((t) => t[1]), calls, dims: embeddings.map((e) => e.length), sameAsOurs: embeddings[0].every((x, i) => x === ours[0][i]) }));
await db.close();
