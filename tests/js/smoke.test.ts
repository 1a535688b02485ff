import { expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
test('smoke', async () => {
  await using db = await MiniVectorDB.create({ dim: 3 });
  await db.insert({ id: 'a', vector: [1, 0, 0] });
  const r = await db.search([1, 0, 0]);
  console.log(r, import.meta.resolve?.('minivectordb'));
  expect(r[0]!.id).toBe('a');
});
