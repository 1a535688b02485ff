/**
 * The Chromium benchmark pages (bench/browser/index.html, bench/embed/page.html)
 * load dist/ as plain ES modules, with no bundler: their import map
 * (bench/lib/importmap.js) must name every package that dist/ imports, or
 * `npm run bench -- --browser` fails for our module alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

test('the benchmark page maps every package that dist/ imports to a file that exists', () => {
  for (const page of ['bench/browser/index.html', 'bench/embed/page.html']) {
    expect(readFileSync(join(root, page), 'utf8'), page).toContain('<script src="/bench/lib/importmap.js"></script>');
  }
  const script = readFileSync(join(root, 'bench', 'lib', 'importmap.js'), 'utf8');
  const map = JSON.parse(/\/\* importmap-begin \*\/([\s\S]*?)\/\* importmap-end \*\//.exec(script)![1]!) as Record<string, string>;
  // What a page loads: not the CLI or the framework adapters (their own entries), nor the
  // Node-only modules the package's `browser` field maps away.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { browser: Record<string, false> };
  const nodeOnly = new Set(Object.keys(pkg.browser).map((f) => join(root, f)));
  const pageFiles = jsFiles(join(root, 'dist')).filter(
    (f) => !f.startsWith(join(root, 'dist', 'cli')) && !f.startsWith(join(root, 'dist', 'integrations')) && !nodeOnly.has(f),
  );
  expect(pageFiles.length).toBeGreaterThan(20);
  const bare = new Set<string>();
  for (const file of pageFiles) {
    const src = readFileSync(file, 'utf8');
    // Static `import … from 'x'` / `export … from 'x'` and `import('x')`; a specifier has no spaces.
    for (const m of src.matchAll(/(?:^\s*(?:import|export)\b[^;'"]*?\bfrom\s*|\bimport\s*\(\s*)['"]([\w@][\w@/.-]*)['"]/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('node:')) bare.add(spec);
    }
  }
  expect(bare.size).toBeGreaterThan(0);
  const missing = [...bare].filter((s) => map[s] === undefined);
  expect(missing).toEqual([]);
  for (const s of bare) expect(existsSync(join(root, map[s]!.slice(1))), `${s} → ${map[s]}`).toBe(true);
});
