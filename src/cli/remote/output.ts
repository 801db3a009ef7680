/** Where CLI commands print: stdout lines (injectable for tests). */
export type Print = (line: string) => void;

/** `--json`: one JSON document; otherwise aligned columns. */
export function printRows(print: Print, rows: Record<string, unknown>[], columns: string[], json: boolean | undefined, empty: string): void {
  if (json) return print(JSON.stringify(rows));
  if (rows.length === 0) return print(empty);
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : Array.isArray(v) ? v.join(',') : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  print(columns.map((c, i) => c.toUpperCase().padEnd(widths[i]!)).join('  ').trimEnd());
  for (const row of rows) print(columns.map((c, i) => cell(row[c]).padEnd(widths[i]!)).join('  ').trimEnd());
}

export function printObject(print: Print, value: unknown, json: boolean | undefined): void {
  print(json ? JSON.stringify(value) : JSON.stringify(value, null, 2));
}
