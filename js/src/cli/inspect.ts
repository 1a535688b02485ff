/**
 * `minivectordb inspect <db.mvdb>`: the snapshot's format version and
 * sections (read from the header), its records and configuration (opened
 * through `MiniVectorDB.open`, which runs nothing from the file and loads no
 * model), and the text model it records.
 * @internal
 */
import { fileURLToPath } from 'node:url';
import { parseCommand, storageUrl } from './args.js';
import { openDatabase } from './database.js';
import { out, outJson } from './output.js';
import { readSettings, readSnapshotFile } from './snapshot-file.js';

export const INSPECT_USAGE = `minivectordb inspect <db.mvdb> [--json]

Prints a snapshot's format version, sections and sizes, record counts,
index configuration and the text model it records.`;

/** Runs the command; returns the exit code. */
export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' } }, ['db.mvdb']);
  if (values.help === true) {
    out(INSPECT_USAGE);
    return 0;
  }
  const url = storageUrl(positionals[0]!);
  const path = fileURLToPath(url);
  const file = await readSnapshotFile(path);
  const settings = await readSettings(path, file);
  const db = await openDatabase(url, {}, 'read');
  let stats;
  try {
    stats = db.stats();
  } finally {
    await db.close();
  }
  const { count, deleted, slots, deletedRatio, memoryBytes, bytesPerVector, clippedFraction, ...config } = stats;
  const report = {
    file: path,
    bytes: file.bytes,
    version: file.version,
    sections: file.sections.map(({ tag, bytes }) => ({ tag, bytes })),
    records: { count, deleted, slots, deletedRatio },
    config,
    model: settings?.embedder ?? null,
    storeText: settings?.storeText ?? false,
    textIndex: settings?.textIndex !== undefined && settings.textIndex !== false,
    memory: { memoryBytes, bytesPerVector, clippedFraction },
  };
  if (values.json === true) {
    outJson(report);
    return 0;
  }
  out(`${path}: MiniVectorDB snapshot ${report.version}, ${report.bytes} bytes`);
  out(`  sections   ${report.sections.map((s) => `${s.tag} ${s.bytes}`).join(', ')}`);
  out(`  records    ${count} live, ${deleted} deleted (${slots} slots)`);
  out(`  index      dim ${config.dim}, ${config.metric}, M ${config.M}, efConstruction ${config.efConstruction}, efSearch ${config.efSearch}, quantization ${config.quantization}`);
  out(`  model      ${report.model === null ? 'none (vectors only)' : `${report.model.model} (${report.model.dim}-d${report.model.digest === undefined ? '' : `, ${report.model.digest}`})`}`);
  out(`  texts      ${report.storeText ? 'kept' : 'not kept'}${report.textIndex ? ', BM25 text index' : ''}`);
  out(`  memory     ${memoryBytes} bytes in WebAssembly, ${bytesPerVector} bytes per vector`);
  return 0;
}
