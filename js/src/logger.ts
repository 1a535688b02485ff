/**
 * Level-gated logging. The library never writes to the console by itself:
 * pass a {@link Logger} (for example `console`) and a level to see messages.
 */

/** Log levels, most verbose first. `'silent'` turns logging off. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Anything with these four methods, e.g. `console` or a pino/winston logger. */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };
/** The accepted `logLevel` values. */
export const LOG_LEVELS = Object.keys(RANK) as readonly LogLevel[];
/** The methods a {@link Logger} must have. */
export const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;
const NOOP = (): void => {};

/**
 * Wraps `sink` so that only messages at `level` or above reach it.
 * @param sink - destination; `undefined` gives a silent logger.
 * @param level - minimum level. @defaultValue `'warn'` when a sink is given.
 * @internal
 */
export function gateLogger(sink: Logger | undefined, level: LogLevel = 'warn'): Logger {
  const min = sink === undefined ? RANK.silent : RANK[level];
  // A logger that throws must not fail (or half-finish) the call that logs: its error is dropped.
  const pick = (l: Exclude<LogLevel, 'silent'>) =>
    sink !== undefined && RANK[l] >= min
      ? (message: string, ...args: unknown[]) => {
          try {
            sink[l](`[minivectordb] ${message}`, ...args);
          } catch {
            // nowhere left to report it
          }
        }
      : NOOP;
  return { debug: pick('debug'), info: pick('info'), warn: pick('warn'), error: pick('error') };
}
