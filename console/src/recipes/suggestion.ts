import type { Diagnostic } from '../api/types';
import { locate, parseJson, parsePath, type JsonEntry } from './json-text';
import { declaresField } from './schema-fields';

/** The text after the fix and the span it changed (to select it in the editor). */
export interface AppliedFix {
  text: string;
  start: number;
  end: number;
}

/** `did you mean "steps"?` → `steps`; `did you mean steps.ticket?` → `steps.ticket`; anything else: undefined. */
function suggestedValue(suggestion: string | undefined): string | undefined {
  const m = /^did you mean (.+)\?$/.exec(suggestion ?? '');
  if (!m) return undefined;
  const said = m[1]!;
  if (said.startsWith('"')) {
    try {
      return JSON.parse(said) as string;
    } catch {
      return undefined;
    }
  }
  return said;
}

const splice = (text: string, start: number, end: number, insert: string): AppliedFix => ({ text: text.slice(0, start) + insert + text.slice(end), start, end: start + insert.length });
const renameKey = (text: string, entry: JsonEntry, name: string) => splice(text, entry.keyStart, entry.keyEnd, JSON.stringify(name));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Applies a diagnostic's "did you mean X?" to the JSON text at the diagnostic's path: renames the
 * unknown field, replaces the misspelt reference inside a template or condition string, or replaces
 * the misspelt value. Undefined when the text moved on and the fix no longer fits.
 */
export function applySuggestion(text: string, d: Pick<Diagnostic, 'path' | 'message' | 'suggestion'>): AppliedFix | undefined {
  const want = suggestedValue(d.suggestion);
  const parsed = parseJson(text);
  if (want === undefined || !parsed.ok) return undefined;
  const path = parsePath(d.path);
  const { node, entry } = locate(parsed.tree, path);
  if (!node) return undefined;

  const named = /unknown (?:field|json-logic operator) "([^"]+)"/.exec(d.message)?.[1];
  if (named !== undefined) {
    if (entry?.key === named) return renameKey(text, entry, want);
    const inner = node.kind === 'object' ? node.entries.find((e) => e.key === named) : undefined;
    return inner ? renameKey(text, inner, want) : undefined;
  }

  const reference = /unknown reference ([^\s:]+)/.exec(d.message)?.[1];
  if (reference !== undefined) {
    if (node.kind !== 'string') return undefined;
    const wrong = reference.split('.').slice(0, want.split('.').length).join('.');
    const raw = text.slice(node.start + 1, node.end - 1);
    const m = new RegExp(`(^|[^A-Za-z0-9_$.])${escapeRegExp(wrong)}(?![A-Za-z0-9_$])`).exec(raw);
    if (!m) return undefined;
    const at = node.start + 1 + m.index + m[1]!.length;
    return splice(text, at, at + wrong.length, want);
  }

  // "a step needs exactly one of …" on the step: the one field the schema does not declare is the typo.
  if (node.kind === 'object') {
    const undeclared = node.entries.filter((e) => !declaresField(parsed.value, path, e.key));
    return undeclared.length === 1 ? renameKey(text, undeclared[0]!, want) : undefined;
  }
  if (node.kind === 'string') return splice(text, node.start, node.end, JSON.stringify(want));
  return undefined;
}
