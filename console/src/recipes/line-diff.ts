export interface DiffRow {
  kind: 'same' | 'removed' | 'added';
  text: string;
  /** 1-based line in the old text (same, removed). */
  oldLine?: number;
  /** 1-based line in the new text (same, added). */
  newLine?: number;
}

/**
 * A line diff by longest common subsequence (recipes are a few hundred lines at most, so the
 * quadratic table is small); removals come before additions within a change.
 */
export function lineDiff(oldText: string, newText: string): DiffRow[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  const width = b.length + 1;
  // lcs[i * width + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ kind: 'same', text: a[i]!, oldLine: ++i, newLine: ++j });
    } else if (j >= b.length || (i < a.length && lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      rows.push({ kind: 'removed', text: a[i]!, oldLine: ++i });
    } else {
      rows.push({ kind: 'added', text: b[j]!, newLine: ++j });
    }
  }
  return rows;
}

export type DiffHunk = { kind: 'rows'; rows: DiffRow[] } | { kind: 'skipped'; count: number };

/** Rows grouped for display: changes with `context` unchanged lines around them, longer unchanged runs folded. */
export function foldUnchanged(rows: DiffRow[], context = 3): DiffHunk[] {
  const near = rows.map(() => false);
  rows.forEach((r, i) => {
    if (r.kind === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(rows.length - 1, i + context); k++) near[k] = true;
  });
  const hunks: DiffHunk[] = [];
  for (const [i, row] of rows.entries()) {
    const last = hunks.at(-1);
    if (near[i]) {
      if (last?.kind === 'rows') last.rows.push(row);
      else hunks.push({ kind: 'rows', rows: [row] });
    } else if (last?.kind === 'skipped') last.count++;
    else hunks.push({ kind: 'skipped', count: 1 });
  }
  return hunks;
}
