/** A CSV line: every value quoted when it holds a comma, quote or line break. */
export function csvLine(values: unknown[]): string {
  return values.map((v) => (v === null || v === undefined ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(',');
}
