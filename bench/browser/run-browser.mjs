// Drives headless Chromium (the system's /usr/bin/chromium through
// playwright-core; never downloads a browser) for the in-page benchmark.
// Each job gets a fresh browser with a fresh --user-data-dir (so
// hnswlib-wasm's IndexedDB starts empty) and talks only to our 127.0.0.1 server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_FLAGS } from '../../scripts/lib/chromium.mjs';
import { startServer } from './server.mjs';

export async function openBrowserRunner({ executablePath, root, log = () => {}, jobTimeoutMs = 45 * 60 * 1000 }) {
  if (!existsSync(executablePath)) throw new Error(`${executablePath} not found (bash scripts/setup-bench.sh installs Debian's chromium)`);
  const { chromium } = await import('playwright-core');
  const version = spawnSync(executablePath, ['--version'], { encoding: 'utf8' }).stdout.trim() || 'chromium';
  const server = await startServer(root);
  return {
    version,
    addData: server.addData,
    async run(spec) {
      const profile = mkdtempSync(join(tmpdir(), 'mvdb-bench-chromium-'));
      let context;
      try {
        context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
        const page = context.pages()[0] ?? (await context.newPage());
        page.on('pageerror', (e) => log(`chromium page error: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error') log(`chromium console: ${m.text()}`);
        });
        await page.goto(server.url);
        await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
        let timer;
        const timeout = new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${jobTimeoutMs / 1000} s`)), jobTimeoutMs);
        });
        try {
          return await Promise.race([page.evaluate((s) => window.runBench(s), spec), timeout]);
        } finally {
          clearTimeout(timer);
        }
      } finally {
        await context?.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      }
    },
    close: () => server.close(),
  };
}
