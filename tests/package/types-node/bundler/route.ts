// A Next.js route handler on the Node.js runtime (moduleResolution "bundler").
import { MiniVectorDB } from 'minivectordb';

export const runtime = 'nodejs';

export async function POST(request: Request): Promise<Response> {
  const { query } = (await request.json()) as { query: number[] };
  const db = await MiniVectorDB.open('file:///srv/db.mvdb', { lock: 'readonly' });
  try {
    return Response.json({ ids: (await db.search(query, { k: 3 })).map((h) => h.id) });
  } finally {
    await db.close();
  }
}
