// Version of an installed package (Node only), read from the package.json
// found along Node's lookup paths (some packages neither export
// ./package.json nor have a "main" that require.resolve could find).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export function packageVersion(name) {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(name) ?? []) {
    const p = join(dir, name, 'package.json');
    if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8')).version;
  }
  return 'unknown';
}

/** Folder of an installed package (Node's lookup paths), or null. */
export function packageDir(name) {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(name) ?? []) {
    if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  }
  return null;
}
