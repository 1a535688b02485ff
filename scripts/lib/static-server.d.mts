// Types of static-server.mjs for TypeScript callers (tests).
export function serveStatic(dir: string, options?: { port?: number }): Promise<{ origin: string; port: number; close: () => Promise<void> }>;
