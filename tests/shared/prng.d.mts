/** mulberry32: a tiny seeded uint32 PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number;
