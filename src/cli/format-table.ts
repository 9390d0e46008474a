/** Plain-text tables for the terminal: columns padded to the widest cell, long cells cut with '…'. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Cut cells longer than this many characters. */
  max?: number;
  align?: 'left' | 'right';
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const raw = c.value(row);
      const text = raw === null || raw === undefined ? '' : String(raw).replace(/\s+/g, ' ');
      return c.max && text.length > c.max ? `${text.slice(0, c.max - 1)}…` : text;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return (
    [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join(
      '\n',
    ) + '\n'
  );
}
