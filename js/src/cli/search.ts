/**
 * `minivectordb search <db.mvdb> (--vector <json> | --text <query>)`: the k
 * best records as JSON on stdout, exactly as `db.search` returns them.
 * @internal
 */
import type { SearchMode, SearchOptions } from '../types.js';
import { choiceOption, intOption, jsonOption, parseCommand, storageUrl, UsageError } from './args.js';
import { MODEL_HELP, MODEL_OPTIONS, openDatabase } from './database.js';
import { out, outJson } from './output.js';

export const SEARCH_USAGE = `minivectordb search <db.mvdb> (--vector <json> | --text <query>) [options]

Prints the k best records as JSON (id, distance, score, metadata, text).

  --vector <json>        the query vector, a JSON array of dim numbers
  --text <query>         a text query (embedded by the database's model, or BM25)
  -k, --k <n>            number of results (default 10)
  --filter <json>        only records whose metadata match (a Filter)
  --ef-search <n>        graph search breadth (default: the database's)
  --exact                exact (brute-force) search
  --mode <m>             vector, text or hybrid (text queries)
${MODEL_HELP}`;

const OPTIONS = {
  ...MODEL_OPTIONS,
  vector: { type: 'string' },
  text: { type: 'string' },
  k: { type: 'string', short: 'k' },
  filter: { type: 'string' },
  'ef-search': { type: 'string' },
  exact: { type: 'boolean' },
  mode: { type: 'string' },
} as const;

/** Runs the command; returns the exit code. */
export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, ['db.mvdb']);
  if (values.help === true) {
    out(SEARCH_USAGE);
    return 0;
  }
  const vector = jsonOption(values, 'vector');
  const text = values.text as string | undefined;
  if ((vector === undefined) === (text === undefined)) throw new UsageError('give --vector or --text (exactly one)');
  const options: SearchOptions = { k: intOption(values, 'k', 10, 1, 1_000_000)! };
  const filter = jsonOption(values, 'filter');
  if (filter !== undefined) options.filter = filter as SearchOptions['filter'];
  const ef = intOption(values, 'ef-search', undefined, 1, 1_000_000);
  if (ef !== undefined) options.efSearch = ef;
  if (values.exact === true) options.exact = true;
  const mode = choiceOption<SearchMode>(values, 'mode', ['vector', 'text', 'hybrid'], undefined);
  if (mode !== undefined) options.mode = mode;
  const db = await openDatabase(storageUrl(positionals[0]!), values, 'read');
  try {
    outJson(await db.search(text ?? (vector as number[]), options));
    return 0;
  } finally {
    await db.close();
  }
}
