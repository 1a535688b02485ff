// mulberry32: a tiny seeded uint32 PRNG returning floats in [0, 1). One copy
// for the Vitest helpers, the crash-test child process and the Chromium test
// page (the packed-package consumer keeps its own: it runs outside the repo).
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
