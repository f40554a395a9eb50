/** Plain-text tables for the command line: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(
  headers: string[],
  rows: string[][],
  options: { numeric?: number[]; rule?: boolean } = {},
): string {
  const numeric = new Set(options.numeric ?? []);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = options.rule === false ? [] : [line(widths.map((w) => '-'.repeat(w)))];
  return [line(headers), ...rule, ...rows.map(line)].join('\n');
}
