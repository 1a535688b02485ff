#!/usr/bin/env node
// Extracts the demo's corpus: every package apt knows on this machine
// (`apt-cache dumpavail`, from the lists `apt-get update` fetched), as
// build/demo/packages.json = { source, generated, count, rows: [[name, section, summary, details], …] }
// sorted by name. `section` drops the archive area prefix ("non-free/graphics" → "graphics");
// `details` is the long description when the lists carry it (Translation files), else "".
// Not committed: each machine extracts its own. Usage: node scripts/demo/extract-packages.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDeb822 } from './deb822.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'build', 'demo', 'packages.json') } } });

/**
 * Corpus rows from deb822 stanzas: one per package name (the first stanza of
 * a name wins: apt prints its candidate version), sorted by name.
 * @param {Array<Record<string, string>>} stanzas
 * @returns {Array<[name: string, section: string, summary: string, details: string]>}
 */
export function packageRows(stanzas) {
  const byName = new Map();
  for (const s of stanzas) {
    const name = s.Package;
    const description = s.Description ?? s['Description-en'];
    if (!name || !description || byName.has(name)) continue;
    const [summary, ...rest] = description.split('\n');
    const section = (s.Section ?? 'unknown').replace(/^[a-z-]+\//, '');
    byName.set(name, [name, section, summary.trim(), rest.join(' ').replace(/\s+/g, ' ').trim()]);
  }
  return [...byName.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function dumpavail() {
  try {
    return execFileSync('apt-cache', ['dumpavail'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  } catch (e) {
    const why = e.code === 'ENOENT' ? "'apt-cache' is not installed (the demo's corpus needs Debian's apt)" : e.message;
    throw new Error(`extract-packages: ${why}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = packageRows(parseDeb822(dumpavail()));
  if (rows.length === 0) {
    console.error('extract-packages: apt-cache dumpavail lists no packages: the apt lists are empty. Run: bash scripts/setup.sh (it runs apt-get update when they are)');
    process.exit(1);
  }
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ source: 'apt-cache dumpavail', generated: new Date().toISOString(), count: rows.length, rows }));
  console.log(`extract-packages: ${rows.length} packages → ${out}`);
}
