/**
 * `minivectordb serve <db.mvdb>`: the database over HTTP (`server.ts`),
 * bound to 127.0.0.1 unless `--host` says otherwise. The snapshot is
 * opened, or created with `--dim` (or with the text model) when absent;
 * changes are saved `--autosave-ms` after they happen (default 1000; 0: only
 * on `POST /save`) and on SIGINT / SIGTERM. Prints the URL it listens on.
 * @internal
 */
import { MiniVectorDB } from '../minivectordb.js';
import type { CreateOptions } from '../option-types.js';
import type { Metric } from '../types.js';
import { choiceOption, intOption, parseCommand, storageUrl } from './args.js';
import { embedderOptions, MODEL_HELP, MODEL_OPTIONS, snapshotExists } from './database.js';
import { err, out } from './output.js';
import { createServer } from './server.js';

export const SERVE_USAGE = `minivectordb serve <db.mvdb> [options]

Serves a database over HTTP (JSON): POST/PUT /records, GET/DELETE
/records/:id, POST /records/delete, POST /records/delete-by-filter,
POST /search, GET /stats, POST /save. Creates the snapshot when absent.

  --host <addr>          address to bind (default 127.0.0.1: this machine only)
  --port <n>             port (default 7700; 0 picks a free one)
  --body-limit <bytes>   largest request body (default 16777216); larger: 413
  --max-items <n>        most records or ids per request (default 10000)
  --autosave-ms <n>      save this long after a change (default 1000; 0: only POST /save and on exit)
  --dim <n>              dimension of a new database (else: a text database with the model)
  --metric <m>           l2 (default), cosine or ip, for a new database
  --store-text           keep texts in a new database
${MODEL_HELP}
  --log                  log requests to stderr`;

const OPTIONS = {
  ...MODEL_OPTIONS,
  host: { type: 'string' },
  port: { type: 'string' },
  'body-limit': { type: 'string' },
  'max-items': { type: 'string' },
  'autosave-ms': { type: 'string' },
  dim: { type: 'string' },
  metric: { type: 'string' },
  'store-text': { type: 'boolean' },
  log: { type: 'boolean' },
} as const;

/** Runs the command until SIGINT / SIGTERM; returns the exit code. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, ['db.mvdb']);
  if (values.help === true) {
    out(SERVE_USAGE);
    return 0;
  }
  const url = storageUrl(positionals[0]!);
  const port = intOption(values, 'port', 7700, 0, 65_535)!;
  const autosaveMs = intOption(values, 'autosave-ms', 1000, 0, 86_400_000)!;
  const autosave = autosaveMs === 0 ? {} : { autosave: { debounceMs: autosaveMs } };
  const embedder = embedderOptions(values);
  let db: MiniVectorDB;
  if (snapshotExists(url)) {
    db = await MiniVectorDB.open(url, { ...autosave, ...(embedder === undefined ? {} : { embedder }) });
  } else {
    const dim = intOption(values, 'dim', undefined, 1, Number.MAX_SAFE_INTEGER);
    const metric = choiceOption<Metric>(values, 'metric', ['l2', 'cosine', 'ip'], undefined);
    const options: CreateOptions = { storage: url, ...autosave };
    if (dim !== undefined) options.dim = dim;
    if (dim === undefined || embedder !== undefined) options.embedder = embedder ?? true;
    if (metric !== undefined) options.metric = metric;
    if (values['store-text'] === true) options.storeText = true;
    db = await MiniVectorDB.create(options);
    await db.save();
  }
  const app = createServer(db, {
    bodyLimit: intOption(values, 'body-limit', 16 * 2 ** 20, 1, 2 ** 31)!,
    maxItems: intOption(values, 'max-items', 10_000, 1, 1_000_000)!,
    log: values.log === true,
  });
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) err(`minivectordb serve: listening on ${host}: the server has no authentication; anyone who reaches it can read, change and delete the data`);
  const address = await app.listen({ host, port });
  out(`minivectordb: serving ${positionals[0]} (${db.size} records) on ${address}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await db.save();
  await db.close();
  return 0;
}
