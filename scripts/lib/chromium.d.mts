// Types of chromium.mjs for TypeScript callers (tests/browser).
export const CHROMIUM_PATH: string;
export const CHROMIUM_FLAGS: readonly string[];
