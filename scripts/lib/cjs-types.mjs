// Declarations for require() users: each dist/**/*.d.ts (and .d.mts) copied
// to a .d.cts whose relative imports name .cjs files, so TypeScript's node16 /
// nodenext resolution reads the CommonJS entry's types as CommonJS (without
// them a `require` of the package is TS1479/TS1471: the .d.ts files are ESM
// under "type": "module"). The declarations are the same; only the module
// format TypeScript assigns differs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RELATIVE_JS = /(['"])(\.{1,2}\/[^'"]*?)\.m?js\1/g;

/** Writes the .d.cts twin of every declaration file under `dir`; returns how many. */
export function writeCjsDeclarations(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.d\.m?ts$/.test(entry.name)) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const text = readFileSync(file, 'utf8').replace(RELATIVE_JS, '$1$2.cjs$1');
    writeFileSync(file.replace(/\.d\.m?ts$/, '.d.cts'), text);
    n++;
  }
  return n;
}
