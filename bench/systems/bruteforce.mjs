// Plain JavaScript exact search: squared L2 (4-way unrolled) against every
// base vector and a sorted top-k insertion list. No index (build keeps a
// reference to the data); efSearch has no effect, so it is measured once
// per round.
export async function open() {
  let data;
  let n;
  let dim;
  return {
    name: 'js-bruteforce',
    version: process.version,
    queryFormat: 'f32',
    asyncSearch: false,
    exact: true,
    build(base) {
      ({ data, n, dim } = base);
    },
    setEf() {},
    search(q, k) {
      const base = data; // locals, not closure slots, in the hot loop
      const count = n;
      const d = dim;
      const ids = new Int32Array(k).fill(-1);
      const dists = new Float64Array(k).fill(Infinity);
      const d4 = d - (d % 4);
      for (let i = 0; i < count; i++) {
        // squared L2, unrolled 4 ways with independent sums
        const o = i * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = 0;
        for (; j < d4; j += 4) {
          const t0 = base[o + j] - q[j];
          const t1 = base[o + j + 1] - q[j + 1];
          const t2 = base[o + j + 2] - q[j + 2];
          const t3 = base[o + j + 3] - q[j + 3];
          s0 += t0 * t0;
          s1 += t1 * t1;
          s2 += t2 * t2;
          s3 += t3 * t3;
        }
        for (; j < d; j++) {
          const t = base[o + j] - q[j];
          s0 += t * t;
        }
        const s = s0 + s1 + s2 + s3;
        if (s < dists[k - 1]) {
          let p = k - 1;
          while (p > 0 && dists[p - 1] > s) {
            dists[p] = dists[p - 1];
            ids[p] = ids[p - 1];
            p--;
          }
          dists[p] = s;
          ids[p] = i;
        }
      }
      return Array.from(ids);
    },
    close() {
      data = undefined;
    },
  };
}
