import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/http/api/csv';

describe('CSV export cells', () => {
  it('a cell a spreadsheet would run as a formula is shown as text', () => {
    expect(csvLine(['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])).toBe(
      `"'=HYPERLINK(""http://evil.example"",""click"")",'+1+1,'-2+3,'@SUM(A1),'\t=1,"'\r=1"`,
    );
  });

  it('numbers, empty values and ordinary text stay as they are', () => {
    expect(csvLine([-3, 0, 2.5, null, undefined, 'plain', 'a,b', 'say "hi"'])).toBe('-3,0,2.5,,,plain,"a,b","say ""hi"""');
  });
});
