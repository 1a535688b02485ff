/**
 * The packed package's types and metadata, as its users' tools see them:
 * @arethetypeswrong/cli (every resolution mode TypeScript has), publint, a
 * Node project without the DOM lib under node16 resolution, ESM and
 * CommonJS (`require` reads .d.cts), a Next.js app's tsconfig (bundler
 * resolution), and the CommonJS bundle's source map.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { cleanEnv, consumerProject, removeDir, root } from './pack.js';

interface AttwProblem {
  kind: string;
  entrypoint: string;
  resolutionKind: string;
}

describe('types and package metadata of the tarball', () => {
  test('arethetypeswrong: the root entry resolves with types in node10, node16 (CJS and ESM) and bundler; ESM-only subpaths are only ESM-only', () => {
    const r = spawnSync(process.execPath, [join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'), inject('tarball'), '--format', 'json', '--exclude-entrypoints', './core.wasm'], {
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = JSON.parse(r.stdout) as { problems?: Record<string, AttwProblem[]>; analysis: { entrypoints: Record<string, unknown> } };
    expect(Object.keys(report.analysis.entrypoints)).toContain('.');
    const problems = Object.values(report.problems ?? {}).flat();
    expect(problems.filter((p) => p.entrypoint === '.')).toEqual([]);
    // ./worker and ./worker-host have no CommonJS build (a module Worker is ESM): require() needs a dynamic import there, and node10 ignores "exports".
    const esmOnly = (p: AttwProblem): boolean => (p.kind === 'CJSResolvesToESM' && p.resolutionKind === 'node16-cjs') || (p.kind === 'NoResolution' && p.resolutionKind === 'node10');
    expect(problems.filter((p) => !esmOnly(p))).toEqual([]);
  });

  test('publint (strict): no errors or warnings, and no suggestion but the one we decline', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const tarball = await readFile(inject('tarball'));
    const { messages, pkg } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, strict: true, level: 'suggestion' });
    // Declined: moving package.json "browser" (Node-only modules → false for
    // browser builds) to "imports" with a browser condition would rename the
    // modules' specifiers in the sources; webpack, Vite and esbuild honour "browser".
    const declined = new Set(['USE_EXPORTS_OR_IMPORTS_BROWSER']);
    expect(messages.filter((m) => !(m.type === 'suggestion' && declined.has(m.code))).map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });

  test('the CommonJS bundle has a source map back to the TypeScript sources', async () => {
    const files = spawnSync('tar', ['tzf', inject('tarball')], { encoding: 'utf8' }).stdout.split('\n');
    expect(files).toContain('package/dist/index.cjs.map');
    expect(files).toContain('package/dist/index.d.cts');
    const bundle = await readFile(join(root, 'dist/index.cjs'), 'utf8');
    expect(bundle.trimEnd().endsWith('//# sourceMappingURL=index.cjs.map')).toBe(true);
    const map = JSON.parse(await readFile(join(root, 'dist/index.cjs.map'), 'utf8')) as { sources: string[]; sourcesContent: string[] };
    const i = map.sources.indexOf('../js/src/minivectordb.ts');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(map.sourcesContent[i]).toContain('export class MiniVectorDB');
  });

  describe('a Node project without the DOM lib (node16 resolution)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await consumerProject(inject('tarball'), 'types-node', ['typescript']);
    });
    afterAll(() => removeDir(dir));

    const tsc = (project: string): string => {
      const r = spawnSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
      return `${r.stdout}${r.stderr}`.trim();
    };

    test('ESM import (of the package and minivectordb/worker) and CommonJS require (.cts, reading .d.cts) compile with "lib": ["es2022"], "types": ["node"]', () => {
      expect(tsc('node')).toBe('');
    });

    test('with the DOM lib, worker takes the real Worker type', () => {
      expect(tsc('dom')).toBe('');
    });

    test('a Next.js app\'s tsconfig (moduleResolution "bundler", module esnext, DOM lib; skipLibCheck off): client code and a route handler type-check', () => {
      expect(tsc('bundler')).toBe('');
    });
  });
});
