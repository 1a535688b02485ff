import { DimensionMismatchError, MiniVectorDB } from 'minivectordb';
import checks from './checks.cjs';

const out = await checks.run(MiniVectorDB, DimensionMismatchError);
out.resolved = import.meta.resolve('minivectordb');
process.stdout.write(JSON.stringify(out));
