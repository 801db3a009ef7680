import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Diagnostic, RecipeValidation } from '../api/types';
import { lineColumn, locate, parseJson, parsePath, type ParsedJson } from './json-text';
import { applySuggestion, type AppliedFix } from './suggestion';

/** A compiler diagnostic placed in the text: its span, line and column, and the fix its suggestion makes. */
export interface PlacedDiagnostic extends Diagnostic {
  start: number;
  end: number;
  line: number;
  column: number;
  /** Set when the field itself is missing: the span is the object it belongs in. */
  missing: boolean;
  fix?: AppliedFix;
}

export interface LiveCheck {
  parsed: ParsedJson;
  /** Syntax error, or the compiler's errors and warnings, each placed in the text. */
  diagnostics: PlacedDiagnostic[];
  /** The plan's outline when the text compiles. */
  outline?: RecipeValidation['plan'];
  /** A request is pending (typing paused less than the debounce, or the API has not answered). */
  checking: boolean;
  /** The API could not check (network, session); the diagnostics are then stale. */
  failure?: unknown;
}

/** How long typing must pause before the text is compiled by the API. */
const debounceMs = 350;

function placeDiagnostic(text: string, parsed: ParsedJson, d: Diagnostic): PlacedDiagnostic {
  if (!parsed.ok) return { ...d, start: 0, end: 0, missing: false, ...lineColumn(text, 0) };
  const at = locate(parsed.tree, parsePath(d.path));
  const span = at.entry && /unknown field|json-logic operator/.test(d.message) ? { start: at.entry.keyStart, end: at.entry.keyEnd } : at.node ? { start: at.node.start, end: at.node.end } : { start: at.nearest.start, end: at.nearest.start + 1 };
  return { ...d, ...span, ...lineColumn(text, span.start), missing: !at.node, fix: applySuggestion(text, d) };
}

function syntaxDiagnostic(text: string, offset: number, message: string): PlacedDiagnostic {
  return { path: '', message: `JSON syntax: ${message}`, severity: 'error', start: offset, end: Math.min(text.length, offset + 1), missing: false, ...lineColumn(text, offset) };
}

/**
 * Checks the editor's text as it changes: JSON syntax at once (with line and column), then,
 * after a pause in typing, the compiler through POST /api/v1/recipes/validate; answers to older
 * texts are dropped.
 */
/** A save's 422 diagnostics for the text it sent (a sync is also checked against both sides' live field schemas). */
export interface SavedCheck {
  text: string;
  diagnostics: Diagnostic[];
}

/** The diagnostics a rejected save answered with, or undefined for any other failure. */
export function rejectedDiagnostics(e: unknown): Diagnostic[] | undefined {
  return e instanceof ApiError ? (e.details as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics : undefined;
}

export function useLiveCheck(text: string, saved?: SavedCheck): LiveCheck {
  const parsed = useMemo(() => parseJson(text), [text]);
  const [answer, setAnswer] = useState<{ text: string; diagnostics: Diagnostic[]; outline?: RecipeValidation['plan']; failure?: unknown } | undefined>();
  const latest = useRef(text);
  latest.current = text;
  useEffect(() => {
    if (!parsed.ok) return;
    const value = parsed.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      setAnswer({ text, diagnostics: [{ path: '', message: `a recipe must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, severity: 'error' }] });
      return;
    }
    const timer = setTimeout(() => {
      api.recipes.validate(value).then(
        (ok) => latest.current === text && setAnswer({ text, diagnostics: ok.warnings, outline: ok.plan }),
        (e: unknown) => {
          if (latest.current !== text) return;
          const diagnostics = rejectedDiagnostics(e);
          setAnswer(diagnostics ? { text, diagnostics } : { text, diagnostics: [], failure: e });
        },
      );
    }, debounceMs);
    return () => clearTimeout(timer);
  }, [text]);
  return useMemo(() => {
    if (!parsed.ok) return { parsed, diagnostics: [syntaxDiagnostic(text, parsed.offset, parsed.message)], checking: false };
    const current = answer?.text === text;
    // While a newer text is being checked, the last answer stays on screen (placed in the new text).
    const fromSave = saved?.text === text ? saved.diagnostics.filter((d) => !answer?.diagnostics.some((a) => a.path === d.path && a.message === d.message)) : [];
    const shown = [...(answer?.diagnostics ?? []), ...fromSave].map((d) => placeDiagnostic(text, parsed, d));
    return { parsed, diagnostics: shown, outline: current ? answer.outline : undefined, checking: !current, failure: current ? answer.failure : undefined };
  }, [parsed, answer, text, saved]);
}
