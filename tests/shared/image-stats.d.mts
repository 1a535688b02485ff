// Types of image-stats.mjs for TypeScript callers (tests).
export function imageStats(base64: string): Promise<{ width: number; height: number; colours: number; nonBackground: number }>;
