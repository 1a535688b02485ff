import { DimensionMismatchError, MiniVectorDB } from 'minivectordb';
import { openInWorker } from 'minivectordb/worker';
import checks from './checks.cjs';

// ESM: the worker through the minivectordb/worker entry (the recommended form); CommonJS goes through MiniVectorDB.openInWorker.
const out = await checks.run(MiniVectorDB, DimensionMismatchError, openInWorker);
out.resolved = import.meta.resolve('minivectordb');
process.stdout.write(JSON.stringify(out));
