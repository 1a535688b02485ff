// CPU-time measuring shared by the same-process A/B tools (ab-interleaved,
// ab-equal-recall, ab-build): on a loaded shared machine, CPU time of this
// process is steadier than wall time.

/** CPU milliseconds (user + system) this process has used. */
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Queries per CPU second of `pass` (one pass answers `queries` queries), repeated for at least 60 ms of CPU time. */
export async function cpuWindow(pass, queries) {
  const c0 = cpuMs();
  let passes = 0;
  while (cpuMs() - c0 < 60) {
    await pass();
    passes++;
  }
  return (passes * queries) / ((cpuMs() - c0) / 1000);
}

/** The q-quantile (0..1) of an ascending array, nearest rank. */
export const quantile = (sorted, q) => sorted[Math.round(q * (sorted.length - 1))];

