/**
 * The corpus extraction: the deb822 reader and the package rows, on a
 * hand-written apt-cache dumpavail excerpt; then the real extraction script
 * on this machine's apt lists, checked against `apt-cache show` (apt's own
 * reader) for a few packages.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseDeb822 } from '../../scripts/demo/deb822.mjs';
import { packageRows } from '../../scripts/demo/extract-packages.mjs';
import { tempDir } from '../js/embed/helpers.js';

const EXCERPT = `Package: zeta
Version: 2.0
Section: non-free/graphics
Description: draws things
 A longer paragraph
 that continues here.
 .
 Second paragraph.
Homepage: https://example.org

Package: alpha
Section: utils
Description: does alpha

Package: zeta
Version: 1.0
Section: graphics
Description: older zeta

Package: nodesc
Section: misc
`;

describe('deb822 reader', () => {
  test('stanzas, continuation lines and the "." empty line', () => {
    const stanzas = parseDeb822(EXCERPT);
    expect(stanzas).toHaveLength(4);
    expect(stanzas[0]).toEqual({
      Package: 'zeta',
      Version: '2.0',
      Section: 'non-free/graphics',
      Description: 'draws things\nA longer paragraph\nthat continues here.\n\nSecond paragraph.',
      Homepage: 'https://example.org',
    });
    expect(stanzas[3]).toEqual({ Package: 'nodesc', Section: 'misc' });
  });

  test('rejects malformed lines with the line in the message', () => {
    expect(() => parseDeb822(' orphan continuation')).toThrow(/continuation line before any field/);
    expect(() => parseDeb822('Package: a\nno colon here')).toThrow(/not a field: "no colon here"/);
  });

  test('rows: first stanza per name wins, area prefix dropped, sorted, packages without a description skipped', () => {
    expect(packageRows(parseDeb822(EXCERPT))).toEqual([
      ['alpha', 'utils', 'does alpha', ''],
      ['zeta', 'graphics', 'draws things', 'A longer paragraph that continues here. Second paragraph.'],
    ]);
  });
});

describe('extract-packages.mjs on this machine', () => {
  const dir = tempDir('demo-corpus');
  afterAll(() => dir.remove());

  test('every package apt knows, agreeing with apt-cache show', () => {
    const out = join(dir.path, 'packages.json');
    execFileSync(process.execPath, ['scripts/demo/extract-packages.mjs', '--out', out], { stdio: 'pipe' });
    const corpus = JSON.parse(readFileSync(out, 'utf8')) as { count: number; rows: [string, string, string, string][] };
    const names = execFileSync('apt-cache', ['pkgnames'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').filter(Boolean);
    // pkgnames also lists virtual packages (no stanza); every real one is in the corpus.
    expect(corpus.count).toBe(corpus.rows.length);
    expect(corpus.count).toBeGreaterThan(10_000);
    expect(corpus.count).toBeLessThanOrEqual(names.length);
    const byName = new Map(corpus.rows.map((r) => [r[0], r]));
    for (const name of ['img2pdf', 'bash', 'coreutils']) {
      const show = execFileSync('apt-cache', ['show', '--no-all-versions', name], { encoding: 'utf8' });
      const summary = /^Description(?:-en)?: (.*)$/m.exec(show)![1]!.trim();
      const section = /^Section: (.*)$/m.exec(show)![1]!.trim().replace(/^[a-z-]+\//, '');
      expect(byName.get(name)?.slice(0, 3)).toEqual([name, section, summary]);
    }
  });
});
