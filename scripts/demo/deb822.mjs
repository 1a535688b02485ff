// A small reader of Debian control data (deb822: RFC 822-style stanzas
// separated by blank lines, "Field: value" lines, continuation lines starting
// with a space or tab), as printed by `apt-cache dumpavail`. See
// https://www.debian.org/doc/debian-policy/ch-controlfields.html
// No npm package for this format is maintained well enough to depend on.

/**
 * Parses deb822 text into stanzas.
 * @param {string} text - whole output of e.g. `apt-cache dumpavail`.
 * @returns {Array<Record<string, string>>} one object per stanza; field names as
 *   written (`Package`, `Section`…); a multi-line value keeps its continuation
 *   lines joined with '\n' (leading space removed, a lone '.' meaning an empty line).
 */
export function parseDeb822(text) {
  const stanzas = [];
  let fields = {};
  let last;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (last !== undefined) stanzas.push(fields);
      fields = {};
      last = undefined;
    } else if (line[0] === ' ' || line[0] === '\t') {
      if (last === undefined) throw new Error(`deb822: continuation line before any field: ${JSON.stringify(line)}`);
      const body = line.slice(1);
      fields[last] += `\n${body.trim() === '.' ? '' : body}`;
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`deb822: not a field: ${JSON.stringify(line)}`);
      last = line.slice(0, colon);
      fields[last] = line.slice(colon + 1).trim();
    }
  }
  if (last !== undefined) stanzas.push(fields);
  return stanzas;
}
