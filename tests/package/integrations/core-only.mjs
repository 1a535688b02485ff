// Without the optional peers installed: minivectordb loads, the adapter entries say what is missing.
import { MiniVectorDB } from 'minivectordb';
const db = await MiniVectorDB.create({ dim: 2 });
await db.insert({ id: 'a', vector: [1, 0] });
const out = { core: (await db.search([1, 0], { k: 1 }))[0].id, entries: {} };
for (const entry of ['langchain', 'llamaindex', 'ai-sdk']) {
  try {
    await import(`minivectordb/${entry}`);
    out.entries[entry] = 'loaded';
  } catch (e) {
    out.entries[entry] = `${e.code}: ${/Cannot find (package|module) '([^']+)'/.exec(e.message)?.[2]}`;
  }
}
await db.close();
process.stdout.write(JSON.stringify(out));
