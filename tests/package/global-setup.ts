import { dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { pack, removeDir } from './pack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    tarball: string;
  }
}

/** Packs once for every package test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tarball = await pack();
  project.provide('tarball', tarball);
  return () => removeDir(dirname(tarball));
}
