/**
 * The shared persistence suite (tests/js/suites/persistence.ts, run in Node
 * on memory://, file:// and idb://) on `opfs://` in Chromium: databases in
 * the packaged worker (FileSystemSyncAccessHandle) and on the page
 * (createWritable). See chromium-target.ts.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { persistenceSuite } from '../js/suites/persistence.js';
import { makeChromiumTarget } from './chromium-target.js';
import { hasChromium, SKIP_REASON } from './harness.js';

for (const host of ['worker', 'page'] as const) {
  describe.skipIf(!hasChromium)(hasChromium ? `Chromium ${host} × opfs` : `Chromium ${host} × opfs (${SKIP_REASON})`, () => {
    const target = makeChromiumTarget(host, 'opfs');
    beforeAll(() => target.setup());
    afterAll(() => target.cleanup());
    persistenceSuite(target);
  });
}
