/** stats() tells whether records keep texts, whether there is a text index, and which embedder: what the framework adapters read. */
import { MiniVectorDB, type CreateOptions } from 'minivectordb';
import { describe, expect, test } from 'vitest';

const pick = (db: { stats(): { storeText: boolean; textIndex: boolean; embedder: string | null } }) => {
  const { storeText, textIndex, embedder } = db.stats();
  return { storeText, textIndex, embedder };
};

describe('stats(): storeText, textIndex, embedder', () => {
  // The worker (which loads the model again) only where it adds a case: its stats come from the same function.
  const cases: [string, CreateOptions, ReturnType<typeof pick>, boolean][] = [
    ['vectors only', { dim: 4 }, { storeText: false, textIndex: false, embedder: null }, true],
    ['the default model', {}, { storeText: false, textIndex: false, embedder: 'wordnet-256' }, false],
    ['texts kept (index on by default)', { storeText: true }, { storeText: true, textIndex: true, embedder: 'wordnet-256' }, true],
    ['texts kept, index off', { dim: 4, storeText: true, textIndex: false }, { storeText: true, textIndex: false, embedder: null }, false],
  ];
  for (const [name, options, want, inWorker] of cases) {
    test(`${name}: as created, after save and open${inWorker ? ', and in a worker' : ''}`, async () => {
      const db = await MiniVectorDB.create(options);
      expect(pick(db)).toEqual(want);
      const url = `memory://stats-text-${name.replace(/\W+/g, '-')}`;
      await db.save(url);
      const opened = await MiniVectorDB.open(url);
      expect(pick(opened)).toEqual(want);
      if (inWorker) {
        const worker = await MiniVectorDB.createInWorker(options);
        expect(pick(worker)).toEqual(want);
        await worker.close();
      }
      await Promise.all([db.close(), opened.close()]);
    });
  }
});
