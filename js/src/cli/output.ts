/**
 * What the CLI prints: results on stdout (JSON with `--json`), progress
 * and messages on stderr. Progress bars come from `cli-progress` and draw
 * only on a terminal (its default), so piped output stays clean.
 * @internal
 */
import cliProgress from 'cli-progress';

/** Writes one line to stdout. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Writes one line to stderr. */
export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Prints `value` as indented JSON on stdout. */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** A progress bar on stderr: `update(done)` then `stop()`. Silent when stderr is not a terminal. */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/** Starts a bar labelled `label` over `total` units (`unit`: shown after the counts). */
export function progress(label: string, total: number, unit = ''): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total}${unit === '' ? '' : ` ${unit}`} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) bar.setTotal(newTotal);
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
