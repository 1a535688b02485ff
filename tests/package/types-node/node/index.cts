// A CommonJS file (`require` under node16 resolution) without the DOM lib: reads the package's .d.cts.
import { MiniVectorDB, type SearchHit } from 'minivectordb';
import minivectordb = require('minivectordb');

export async function main(): Promise<string[]> {
  const db = await MiniVectorDB.create({ dim: 3 });
  const hits: SearchHit[] = await db.search([1, 2, 3]);
  await minivectordb.MiniVectorDB.create({ dim: 2, wasm: { binary: new Uint8Array(8) } });
  return hits.map((h) => h.id);
}
