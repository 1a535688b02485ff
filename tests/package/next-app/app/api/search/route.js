// A route handler on the Node.js runtime: the package's Node entry on the server.
import { MiniVectorDB } from 'minivectordb';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request) {
  const { vectors, query, k, texts, text } = await request.json();
  const db = await MiniVectorDB.create({ dim: query.length, metric: 'l2' });
  await db.insertMany(vectors.map((vector, i) => ({ id: `v${i}`, vector })));
  const hits = (await db.search(query, { k, exact: true })).map((h) => h.id);
  await db.close();
  const textDb = await MiniVectorDB.create();
  await textDb.insertMany(texts);
  const found = await textDb.search(text, { k: texts.length });
  const dim = textDb.dim;
  await textDb.close();
  return Response.json({ hits, textHits: found.map((h) => h.id), textScores: found.map((h) => h.score), dim });
}
