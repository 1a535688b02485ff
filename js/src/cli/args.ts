/**
 * Command-line arguments: `node:util` parseArgs in strict mode, and the
 * conversions every command shares (paths to storage URLs, numbers, JSON).
 * Paths on the command line are the user's own (trusted); what they point
 * to stays data.
 * @internal
 */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pathToFileURL } from 'node:url';

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed options and positionals of one command. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` (the arguments after the command name) against `options`
 * (plus `--help`); unknown options and missing or extra positionals are
 * UsageErrors.
 * @param positionals - the names of the required positionals, in order.
 */
export function parseCommand(argv: string[], options: Options, positionals: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const values = parsed.values as Parsed['values'];
  if (values.help === true) return { values, positionals: parsed.positionals };
  if (parsed.positionals.length !== positionals.length) {
    throw new UsageError(`expected ${positionals.length} argument(s) (${positionals.join(', ')}), got ${parsed.positionals.length}`);
  }
  return { values, positionals: parsed.positionals };
}

/** A snapshot path (or a `file://` URL) as the storage URL the library takes. */
export function storageUrl(pathOrUrl: string): string {
  if (pathOrUrl.startsWith('file://')) return pathOrUrl;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl)) throw new UsageError(`${pathOrUrl}: the command line takes file paths (or file:// URLs)`);
  return pathToFileURL(resolve(pathOrUrl)).href;
}

/** An integer option in [min, max], or `fallback` when absent. */
export function intOption(values: Parsed['values'], name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A JSON option (a filter, a vector), parsed; a UsageError names the option. */
export function jsonOption(values: Parsed['values'], name: string): unknown {
  const raw = values[name];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(String(raw)) as unknown;
  } catch (e) {
    throw new UsageError(`--${name} is not valid JSON: ${(e as Error).message}`);
  }
}

/** One of `choices`, or `fallback` when absent. */
export function choiceOption<T extends string>(values: Parsed['values'], name: string, choices: readonly T[], fallback: T | undefined): T | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}
