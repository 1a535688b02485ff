// The median the benchmarks report (rounds, windows, ratios). No imports:
// it runs in Node and in the Chromium bench page alike (lib/job.mjs).

/** Median of the numbers in `xs`, nulls and NaN left out; null when none is left. */
export function median(xs) {
  const s = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
