#!/usr/bin/env node
/**
 * `minivectordb` (`npx minivectordb <command> …`): the command line. Each
 * command lives in its own module, loaded when called (so `search` never
 * loads Fastify, `import` never loads Arrow). Exit codes: 0 success, 1 an
 * error or a failed check, 2 a wrong command line.
 * @internal
 */
import { MiniVectorDBError } from '../errors.js';
import { UsageError } from './args.js';
import { err, out } from './output.js';

const COMMANDS: Record<string, { summary: string; run: () => Promise<(argv: string[]) => Promise<number>> }> = {
  import: { summary: 'import JSON Lines records (vectors or texts) into a snapshot', run: async () => (await import('./import.js')).importCommand },
  export: { summary: 'export records to JSON Lines, Apache Arrow or Parquet', run: async () => (await import('./export.js')).exportCommand },
  inspect: { summary: 'show a snapshot\'s format, sections, counts, configuration and model', run: async () => (await import('./inspect.js')).inspectCommand },
  verify: { summary: 'check checksums, graph invariants and search consistency (exit code)', run: async () => (await import('./verify.js')).verifyCommand },
  search: { summary: 'search with a vector or a text, print the hits as JSON', run: async () => (await import('./search.js')).searchCommand },
  compact: { summary: 'reclaim deleted records\' space and save in place', run: async () => (await import('./compact.js')).compactCommand },
  serve: { summary: 'serve a database over HTTP (Fastify, 127.0.0.1 by default)', run: async () => (await import('./serve.js')).serveCommand },
};

export const USAGE = `Usage: minivectordb <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)}${c.summary}`)
  .join('\n')}

Run "minivectordb <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    const { createRequire } = await import('node:module');
    out((createRequire(import.meta.url)('../../package.json') as { version: string }).version);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (entry === undefined) {
    err(`minivectordb: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await entry.run())(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`minivectordb ${command}: ${e.message}\nRun "minivectordb ${command} --help" for its options.`);
      return 2;
    }
    const missing = missingOptional(e);
    if (missing !== undefined) {
      err(`minivectordb ${command}: needs ${missing}, which is not installed (fastify is an optional peer dependency; npm skips an optional dependency it cannot install): npm install ${missing}`);
      return 1;
    }
    if (e instanceof MiniVectorDBError) err(`minivectordb ${command}: ${e.name} (${e.code}): ${e.message}`);
    else err(`minivectordb ${command}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/** The optional package (`fastify`: optional peer; `apache-arrow`, `hyparquet-writer`: optional dependencies) whose absence `e` reports, if any. */
function missingOptional(e: unknown): string | undefined {
  if ((e as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /Cannot find package '(fastify|apache-arrow|hyparquet-writer)'/.exec((e as Error).message)?.[1];
}

process.exitCode = await main(process.argv.slice(2));
