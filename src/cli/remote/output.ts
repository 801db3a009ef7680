/** Where CLI commands print: stdout lines (injectable for tests). */
export type Print = (line: string) => void;

/** Aligned columns under upper-cased headers; `empty` when there are no rows. */
export function tableLines(rows: readonly object[], columns: string[], empty: string): string[] {
  if (rows.length === 0) return [empty];
  const cell = (row: object, c: string) => {
    const v = (row as Record<string, unknown>)[c];
    return v === null || v === undefined ? '-' : Array.isArray(v) ? v.join(',') : String(v);
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((row) => line(columns.map((c) => cell(row, c))))];
}

/**
 * The text of a list answer: its rows as a table (`--json` prints the rows as they came).
 * `shown` turns a row into its table cells (e.g. an error object into `kind: message`).
 */
export function table<R extends object>(columns: string[], empty: string, shown: (row: R) => object = (row) => row): (rows: R[]) => string[] {
  return (rows) => tableLines(rows.map(shown), columns, empty);
}

/** One JSON document with `--json`, else pretty-printed. */
export function printObject(print: Print, value: unknown, json: boolean | undefined): void {
  print(json ? JSON.stringify(value) : JSON.stringify(value, null, 2));
}
