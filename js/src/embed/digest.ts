/**
 * The digest that names a model by its bytes: `sha256:` and the SHA-256 (hex)
 * of the lines `<SHA-256 hex of the file>  <file name>\n`, one per file the
 * embedder read, sorted by name — what `sha256sum` prints when run in the
 * model folder over those files in that order, hashed once more. Two folders
 * with the same files give the same digest wherever they are served from.
 * Uses Web Crypto (`crypto.subtle`), present in Node and in secure browser
 * contexts; without it there is no digest (and models are compared by id).
 * @internal
 */
export async function modelDigest(files: ReadonlyMap<string, Uint8Array>): Promise<string | undefined> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle === undefined) return undefined;
  const names = [...files.keys()].sort();
  let lines = '';
  for (const name of names) lines += `${await sha256Hex(subtle, files.get(name)!)}  ${name}\n`;
  return `sha256:${await sha256Hex(subtle, new TextEncoder().encode(lines))}`;
}

async function sha256Hex(subtle: SubtleCrypto, bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
