// Recall-vs-QPS chart in the style of ann-benchmarks: recall@k on x (linear),
// queries per second on y (log scale), one line per series (points ordered by
// efSearch). Plain SVG text, no dependencies.
const COLORS = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#000000', '#393b79', '#637939', '#843c39'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function recallQpsSvg(series, { title, k = 10, width = 980, height = 560 } = {}) {
  const pts = series.flatMap((s) => s.points.filter((p) => p.qps > 0));
  const left = 70;
  const right = 330;
  const top = 40;
  const bottom = 50;
  const w = width - left - right;
  const h = height - top - bottom;
  const minRecall = Math.min(...pts.map((p) => p.recall));
  const x0 = Math.max(0, Math.floor((minRecall - 0.01) * 20) / 20);
  const x1 = 1;
  const y0 = Math.floor(Math.log10(Math.min(...pts.map((p) => p.qps))));
  const y1 = Math.ceil(Math.log10(Math.max(...pts.map((p) => p.qps))));
  const X = (r) => left + ((r - x0) / (x1 - x0)) * w;
  const Y = (q) => top + h - ((Math.log10(q) - y0) / Math.max(1e-9, y1 - y0)) * h;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left + w / 2}" y="22" text-anchor="middle" font-size="15">${esc(title ?? 'Recall vs QPS')}</text>`,
  ];
  for (let e = y0; e <= y1; e++) {
    for (const m of [1, 2, 5]) {
      const q = m * 10 ** e;
      if (q < 10 ** y0 || q > 10 ** y1) continue;
      const y = Y(q).toFixed(1);
      out.push(`<line x1="${left}" x2="${left + w}" y1="${y}" y2="${y}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      if (m === 1 || y1 - y0 <= 2) out.push(`<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${q.toLocaleString('en-US')}</text>`);
    }
  }
  const step = x1 - x0 > 0.3 ? 0.1 : x1 - x0 > 0.1 ? 0.05 : 0.01;
  const ticks = Math.round((x1 - x0) / step);
  for (let i = 0; i <= ticks; i++) {
    const r = x0 + i * step;
    const x = X(r).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + h}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${top + h + 16}" text-anchor="middle">${r.toFixed(2)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${left + w / 2}" y="${height - 12}" text-anchor="middle">recall@${k}</text>`);
  out.push(`<text transform="translate(18 ${top + h / 2}) rotate(-90)" text-anchor="middle">queries per second (log scale)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const dash = s.mode === 'batch' ? ' stroke-dasharray="6 3"' : '';
    const line = s.points
      .filter((p) => p.qps > 0)
      .sort((a, b) => (a.ef ?? 0) - (b.ef ?? 0))
      .map((p) => [X(p.recall), Y(p.qps)]);
    if (line.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${line.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    // Node: round markers; browser: square markers.
    const mark = (x, y) =>
      s.env === 'node'
        ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`
        : `<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" fill="${color}"/>`;
    for (const [x, y] of line) out.push(mark(x, y));
    const ly = top + 10 + i * 20;
    out.push(`<line x1="${left + w + 16}" x2="${left + w + 44}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(mark(left + w + 30, ly));
    out.push(`<text x="${left + w + 52}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
