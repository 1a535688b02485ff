/**
 * The shared persistence suite (tests/js/suites/persistence.ts, run in Node
 * on memory://, file:// and idb://) on `opfs://` in Chromium, with the
 * databases in the packaged worker (createInWorker: FileSystemSyncAccessHandle).
 * See chromium-target.ts; its `page` host runs the suite on the page too.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { persistenceSuite } from '../js/suites/persistence.js';
import { makeChromiumTarget } from './chromium-target.js';
import { hasChromium, SKIP_REASON } from './harness.js';

// The worker target (the access-handle path); the page path (createWritable) is covered by storage.test.ts.
// Each call crosses page.evaluate, so one host already takes minutes on a loaded machine.
for (const host of ['worker'] as const) {
  describe.skipIf(!hasChromium)(hasChromium ? `Chromium ${host} × opfs` : `Chromium ${host} × opfs (${SKIP_REASON})`, () => {
    const target = makeChromiumTarget(host, 'opfs');
    beforeAll(() => target.setup());
    afterAll(() => target.cleanup());
    persistenceSuite(target);
  });
}
