// Deterministic hashing and pseudo-random numbers for the default-model build.
// Everything derived from a string goes through hashString(), so a synset or a
// word piece gets the same random vector on every machine and every run.

/**
 * 32-bit hash of a string (MurmurHash3's x86_32 mixing over UTF-16 code units).
 * @param {string} s
 * @param {number} seed - uint32
 * @returns {number} uint32
 */
export function hashString(s, seed = 0) {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * SplitMix32-style generator: a function returning uint32 values.
 * @param {number} seed - uint32
 */
export function rng32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A sparse ternary "random index" vector: `nonZeros` distinct positions in
 * [0, dim), each +1 or -1, drawn from a generator seeded by `key`.
 * @param {string} key
 * @param {number} dim
 * @param {number} nonZeros
 * @param {Int32Array} outPos - receives `nonZeros` positions
 * @param {Int8Array} outSign - receives `nonZeros` signs (±1)
 */
export function sparseIndexVector(key, dim, nonZeros, outPos, outSign) {
  const next = rng32(hashString(key, 0x5eed1234));
  let n = 0;
  while (n < nonZeros) {
    const p = next() % dim;
    let dup = false;
    for (let j = 0; j < n; j++) if (outPos[j] === p) dup = true;
    if (dup) continue;
    outPos[n] = p;
    outSign[n] = next() & 1 ? 1 : -1;
    n++;
  }
}

/**
 * A dense pseudo-Gaussian unit vector (sum of uniforms, then normalised),
 * added into `out` times `weight`.
 * @param {string} key
 * @param {Float64Array} out - length dim
 * @param {number} weight
 */
export function addDenseRandom(key, out, weight) {
  const next = rng32(hashString(key, 0xd3a5e001));
  const dim = out.length;
  const v = new Float64Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    // Irwin–Hall with 4 uniforms: close enough to a normal for a random direction.
    const x = (next() + next() + next() + next()) / 4294967296 - 2;
    v[i] = x;
    norm += x * x;
  }
  const f = weight / Math.sqrt(norm);
  for (let i = 0; i < dim; i++) out[i] += v[i] * f;
}
