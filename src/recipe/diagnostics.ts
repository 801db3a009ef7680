/** One compiler finding, addressed by a JSON path into the recipe (e.g. `steps[1].input.text`). */
export interface Diagnostic {
  path: string;
  message: string;
  suggestion?: string;
  severity: 'error' | 'warning';
}

export type PathSegment = string | number;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['steps', 1, 'input', 'text']` → `steps[1].input.text`; odd keys are quoted: `input["a b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (identifier.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Formats a diagnostic the way a compiler prints it: `file:path: message (suggestion)`. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = d.path === '' ? file : `${file}:${d.path}`;
  const tag = d.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${tag}${d.message}${d.suggestion ? ` (${d.suggestion})` : ''}`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a typo's reach, for "did you mean …?". */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (best !== undefined && bestScore <= limit) return best;
  // Same stem, different ending ("startTime" → "startedAt").
  const stem = word.slice(0, 5).toLowerCase();
  if (stem.length < 5) return undefined;
  for (const c of candidates) if (c.toLowerCase().startsWith(stem)) return c;
  return undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>, render: (c: string) => string = (c) => c): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean ${render(c)}?`;
}

/** Drops repeated findings (same path and message), keeping the first; order is kept. */
export function dedupeDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.path}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
