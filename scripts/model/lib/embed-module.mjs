// Loads the embedding module (js/src/embed/index.ts) for scripts: bundled from
// the TypeScript source with esbuild into build/.embed-dev/ (so the default
// model resolves to build/models/wordnet-256/), npm packages left external.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** @returns {Promise<typeof import('../../../js/src/embed/index.ts')>} */
export async function loadEmbedModule() {
  const esbuild = await import('esbuild');
  const outfile = join(root, 'build', '.embed-dev', 'index.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'js/src/embed/index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node18',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}
