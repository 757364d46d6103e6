/** Renders rows as aligned text columns or as a Markdown table. */
export function renderTable(
  format: 'text' | 'markdown',
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
  }

  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `${Math.round(value)} ms`;
}

export function formatPercent(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}
