// Deno and Bun: the smoke suite with a file:// snapshot in a temporary folder (node:fs in both runtimes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MiniVectorDB } from 'minivectordb';
import { smoke } from './smoke.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mvdb-runtime-'));
try {
  const out = await smoke(MiniVectorDB, { storage: pathToFileURL(join(dir, 'db.mvdb')).href });
  out.resolved = import.meta.resolve('minivectordb');
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
