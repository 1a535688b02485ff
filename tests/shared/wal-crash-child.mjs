// Child process of a write-ahead log crash trial (wal-crash-trial.mjs): runs
// the seeded workload of wal-workload.mjs on a new database at the file URL
// argv[2] with durability 'strict' (or $WAL_CHILD_DURABILITY, to show what
// 'relaxed' may lose), writing `S i` to stdout before operation
// i and `A i` once its promise resolved (acknowledged), with synchronous
// writes so that every line is in the pipe before the next step, until the
// parent kills it with SIGKILL.
import { writeSync } from 'node:fs';
import { MiniVectorDB } from 'minivectordb';
import { applyTo, workload } from './wal-workload.mjs';

const [url, seedArg, countArg, dimArg] = process.argv.slice(2);
const dim = Number(dimArg);
const ops = workload(Number(seedArg), Number(countArg), dim);
const db = await MiniVectorDB.create({ dim, M: 8, efConstruction: 32, storage: url, durability: process.env.WAL_CHILD_DURABILITY ?? 'strict' });
await db.save(); // the first checkpoint: the database exists before any operation
writeSync(1, 'R\n');
for (let i = 0; i < ops.length; i++) {
  writeSync(1, `S ${i}\n`);
  await applyTo(db, ops[i]);
  writeSync(1, `A ${i}\n`);
}
writeSync(1, 'D\n');
await db.close();
