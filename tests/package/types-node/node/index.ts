// A Node ESM project without the DOM lib ("lib": ["es2022"], "types": ["node"]), node16 resolution.
import { InvalidArgumentError, MiniVectorDB, type CreateOptions, type SearchHit } from 'minivectordb';
import { openInWorker } from 'minivectordb/worker';

const options: CreateOptions = { dim: 3, storage: 'memory://types', wasm: { url: new URL('file:///srv/minivectordb_core.wasm') } };
const db = await MiniVectorDB.create(options);
const hits: SearchHit[] = await db.search([1, 2, 3], { k: 2 });
export const ids: string[] = hits.map((h) => h.id);
export const inWorker = await openInWorker('memory://types', { worker: new URL('file:///srv/worker.js') });
export const isError = (e: unknown): boolean => e instanceof InvalidArgumentError;
