// What a Next.js client component does with the package (moduleResolution "bundler", the DOM lib).
import { MiniVectorDB, TimeoutError, type SearchHit, type WorkerMiniVectorDB } from 'minivectordb';
import { createInWorker } from 'minivectordb/worker';

export async function run(): Promise<{ hits: SearchHit[]; size: number }> {
  const db: MiniVectorDB = await MiniVectorDB.create({ dim: 3, metric: 'l2', storage: 'idb://notes' });
  await db.insertMany([{ id: 'a', vector: new Float32Array([1, 0, 0]), metadata: { tag: 'x' } }]);
  const inWorker: WorkerMiniVectorDB = await MiniVectorDB.createInWorker({ dim: 3, worker: new Worker(new URL('./w.js', import.meta.url), { type: 'module' }) });
  const other: WorkerMiniVectorDB = await createInWorker({ dim: 3 });
  await Promise.all([inWorker.close(), other.close()]);
  // @ts-expect-error a dimension is a number
  await MiniVectorDB.create({ dim: '3' });
  return { hits: await db.search([1, 0, 0], { k: 1, filter: { tag: 'x' } }), size: db.size };
}

export const isTimeout = (e: unknown): boolean => e instanceof TimeoutError;
