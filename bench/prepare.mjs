#!/usr/bin/env node
// Prepares what `npm run bench` would otherwise prepare on first use (called
// by scripts/setup-bench.sh): compiles the native hnswlib drivers into
// build/bench-native/ and converts the GloVe-100 sets into bench/.cache/glove/
// (about 2 min once). Reports what is unavailable and exits 0: the bench
// skips those parts with the same reasons.
import { driverBinary, VARIANTS } from './native/compile.mjs';
import { GLOVE_DATASETS, prepareGlove } from './lib/glove.mjs';

const log = (line) => console.error(`[bench prepare] ${line}`);
for (const variant of Object.keys(VARIANTS)) {
  try {
    log(`hnswlib-native-${variant}: ${driverBinary(variant, log).path}`);
  } catch (e) {
    log(`hnswlib-native-${variant} will be skipped: ${e.message}`);
  }
}
for (const name of Object.keys(GLOVE_DATASETS)) {
  try {
    log(`${name}: ${prepareGlove(name, log)}`);
  } catch (e) {
    log(`${name} will be unavailable: ${e.message}`);
  }
}
