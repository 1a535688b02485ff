import { MiniVectorDB } from 'minivectordb';
import checks from './checks.cjs';

const out = await checks.run(MiniVectorDB);
out.resolved = import.meta.resolve('minivectordb');
process.stdout.write(JSON.stringify(out));
