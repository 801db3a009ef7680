/** Leading characters a spreadsheet reads as a formula (OWASP "CSV injection"), tab and CR included. */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell: a text that a spreadsheet would run as a formula (`=HYPERLINK(…)` in an error
 * message a vendor echoed back) is prefixed with `'` so it shows as text; then quoted when it
 * holds a comma, quote or line break. Numbers stay numbers (a negative one is not a formula).
 */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value !== 'number' && formulaStart.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV line of cells (see `csvCell`). */
export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(',');
}
