import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import { ErrorNotice, useLoad } from '../components/ui';
import { useSession } from '../session';
import { containerAt, fieldValueAt, lineColumn, type Segment } from './json-text';
import type { LiveCheck, PlacedDiagnostic } from './live-diagnostics';
import { fieldsAt, type FieldHint } from './schema-fields';
import { valuesAt, type EditorCatalog, type ValueHint } from './value-hints';

/**
 * Replaces a span of the textarea through the browser's editing command, so Ctrl+Z undoes it,
 * and selects the new text; falls back to setRangeText where the command is missing.
 */
function replaceRange(area: HTMLTextAreaElement, start: number, end: number, insert: string): void {
  area.focus();
  area.setSelectionRange(start, end);
  if (!document.execCommand('insertText', false, insert)) {
    area.setRangeText(insert, start, end, 'end');
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }
  area.setSelectionRange(start, start + insert.length);
}

/** Moves the caret to a span and scrolls its line into view. */
function reveal(area: HTMLTextAreaElement, start: number, end: number): void {
  area.focus();
  area.setSelectionRange(start, end);
  const line = lineColumn(area.value, start).line;
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, (line - 4) * lineHeight);
}

/** Where a new field goes in the object around the caret: after its last field, indented like it. */
function fieldInsertion(text: string, objectStart: number, objectEnd: number, lastValueEnd: number | undefined, lastKeyStart: number | undefined, name: string, example: unknown) {
  const value = JSON.stringify(example);
  if (lastValueEnd === undefined || lastKeyStart === undefined) {
    return { start: objectStart + 1, end: objectEnd - 1, insert: ` ${JSON.stringify(name)}: ${value} `, valueOffset: JSON.stringify(name).length + 3 };
  }
  const lineStart = text.lastIndexOf('\n', lastKeyStart) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const sameLine = text.slice(lineStart, lastKeyStart).trim() !== '';
  const lead = sameLine ? ', ' : `,\n${indent}`;
  return { start: lastValueEnd, end: lastValueEnd, insert: `${lead}${JSON.stringify(name)}: ${value}`, valueOffset: lead.length + JSON.stringify(name).length + 2 };
}

/** `['steps', 0, 'action']` → `steps[0].action`. */
const pathText = (path: readonly Segment[]) => path.reduce<string>((s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg), '');

/** How a value hint reads on its button: a string as itself, anything else as JSON. */
const valueText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The installation's connections (with connections:read) and the connectors' catalog, for value hints; none while read only. */
function useEditorCatalog(readOnly: boolean): EditorCatalog | undefined {
  const readsConnections = useSession().can('connections:read');
  return useLoad(async () => {
    if (readOnly) return undefined;
    const [connections, connectors] = await Promise.all([readsConnections ? api.connections.list() : { connections: [] }, api.connectors.list()]);
    return { connections: connections.connections, connectors: connectors.connectors };
  }, [readOnly, readsConnections]).data;
}

/** Up and Down move between a hint list's buttons; Escape goes back to the editor. */
function hintKeys(area: { current: HTMLTextAreaElement | null }) {
  return (e: KeyboardEvent) => {
    const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      area.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
    }
  };
}

export interface RecipeEditorProps {
  id: string;
  label: string;
  text: string;
  onText(text: string): void;
  check: LiveCheck;
  readOnly: boolean;
  /** What the text defines, for the messages: a recipe (default) or a sync. */
  noun?: 'recipe' | 'sync';
}

/**
 * The recipe JSON editor: a plain textarea (works offline, native keyboard and screen-reader
 * support, undo) with line numbers, the compiler's diagnostics placed at their line and column
 * (a click selects the spot; "did you mean" fixes apply in place), the fields the JSON Schema
 * allows in the object around the caret and the values it (or the installation: connections,
 * actions) knows for the field the caret is on (Ctrl+Space to reach them).
 */
export function RecipeEditor(props: RecipeEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLPreElement>(null);
  const fieldsRef = useRef<HTMLUListElement>(null);
  const valuesRef = useRef<HTMLUListElement>(null);
  const catalog = useEditorCatalog(props.readOnly);
  const [caret, setCaret] = useState(0);
  const { check, text } = props;
  const lines = text.split('\n').length;
  const errorLines = useMemo(() => new Set(check.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)), [check.diagnostics]);
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = check.diagnostics.length - errors;

  const around = check.parsed.ok ? containerAt(check.parsed.tree, caret) : undefined;
  const hints: FieldHint[] = useMemo(() => {
    if (!around || around.node.kind !== 'object' || !check.parsed.ok) return [];
    const present = new Set(around.node.entries.map((e) => e.key));
    return fieldsAt(check.parsed.value, around.path).filter((f) => !present.has(f.name));
  }, [around?.node, check.parsed]);
  const where = around ? pathText(around.path) : '';
  const valueSpot = check.parsed.ok ? fieldValueAt(check.parsed.tree, caret) : undefined;
  const values: ValueHint[] = useMemo(() => (valueSpot && check.parsed.ok ? valuesAt(check.parsed.value, valueSpot.path, catalog) : []), [valueSpot?.node, check.parsed, catalog]);
  const position = lineColumn(text, caret);

  useEffect(() => {
    if (gutter.current && area.current) gutter.current.scrollTop = area.current.scrollTop;
  });

  const insertField = (hint: FieldHint) => {
    const el = area.current;
    if (!el || !around || around.node.kind !== 'object') return;
    const last = around.node.entries.at(-1);
    const spot = fieldInsertion(text, around.node.start, around.node.end, last?.value.end, last?.keyStart, hint.name, hint.example);
    replaceRange(el, spot.start, spot.end, spot.insert);
    const valueStart = spot.start + spot.valueOffset;
    const valueLength = JSON.stringify(hint.example).length;
    // Select the value inside its quotes, ready to type over.
    const quoted = typeof hint.example === 'string';
    el.setSelectionRange(valueStart + (quoted ? 1 : 0), valueStart + valueLength - (quoted ? 1 : 0));
    setCaret(el.selectionStart);
  };
  /** Replaces the value at the caret with the hint's, the caret after it. */
  const insertValue = (hint: ValueHint) => {
    const el = area.current;
    if (!el || !valueSpot) return;
    const insert = JSON.stringify(hint.value);
    replaceRange(el, valueSpot.node.start, valueSpot.node.end, insert);
    const end = valueSpot.node.start + insert.length;
    el.setSelectionRange(end, end);
    setCaret(end);
  };
  const applyFix = (d: PlacedDiagnostic) => {
    const el = area.current;
    if (!el || !d.fix) return;
    const removed = text.length - d.fix.text.length + (d.fix.end - d.fix.start);
    replaceRange(el, d.fix.start, d.fix.start + removed, d.fix.text.slice(d.fix.start, d.fix.end));
    setCaret(el.selectionStart);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const el = area.current;
    if (!el) return;
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      (valuesRef.current ?? fieldsRef.current)?.querySelector('button')?.focus();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !props.readOnly) {
      // Keep the indentation of the line the caret is on.
      const lineStart = el.value.lastIndexOf('\n', el.selectionStart - 1) + 1;
      const indent = /^[ \t]*/.exec(el.value.slice(lineStart))![0];
      const opens = /[{[]\s*$/.test(el.value.slice(lineStart, el.selectionStart));
      e.preventDefault();
      replaceRange(el, el.selectionStart, el.selectionEnd, `\n${indent}${opens ? '  ' : ''}`);
      el.setSelectionRange(el.selectionEnd, el.selectionEnd);
    }
  };
  const onHintsKey = hintKeys(area);

  const noun = props.noun ?? 'recipe';
  const hintId = `${props.id}-hint`;
  const summaryId = `${props.id}-summary`;
  return (
    <div class="recipe-editor">
      <label for={props.id}>{props.label}</label>
      <p class="hint" id={hintId}>
        {props.readOnly
          ? `Read only: this token may not change ${noun}s.`
          : 'Checked by the compiler as you type. Ctrl+Space moves to the values or fields allowed at the caret (Escape comes back); Tab leaves the editor.'}
      </p>
      <div class="editor-frame">
        <pre class="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => (errorLines.has(i + 1) ? `✖ ${i + 1}\n` : `${i + 1}\n`)).join('')}
        </pre>
        <textarea
          id={props.id}
          ref={area}
          class="code"
          value={text}
          rows={24}
          wrap="off"
          spellcheck={false}
          autocomplete="off"
          autocapitalize="off"
          readOnly={props.readOnly}
          aria-invalid={errors > 0}
          aria-describedby={`${hintId} ${summaryId}`}
          onInput={(e) => {
            const el = e.currentTarget;
            props.onText(el.value);
            setCaret(el.selectionStart);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={(e) => setCaret(e.currentTarget.selectionStart)}
          onClick={(e) => setCaret(e.currentTarget.selectionStart)}
          onScroll={(e) => gutter.current && (gutter.current.scrollTop = e.currentTarget.scrollTop)}
        />
      </div>
      <p class="muted editor-status">
        Line {position.line}, column {position.column}
        {where ? (
          <>
            {' '}
            · in <code>{where}</code>
          </>
        ) : null}
      </p>
      <p id={summaryId} role="status" class={errors ? 'field-error' : 'muted'} data-testid="check-summary">
        {check.checking && check.parsed.ok ? 'Checking… ' : ''}
        {errors === 0 && warnings === 0 && !check.checking && !check.failure ? `No problems: the ${noun} compiles.` : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`}
      </p>
      <ErrorNotice error={check.failure} />
      {check.diagnostics.length ? (
        <ul class="diagnostics" aria-label="Problems" data-testid="diagnostics">
          {check.diagnostics.map((d) => (
            <li key={`${d.path}|${d.message}`} class={`diagnostic diagnostic-${d.severity}`} data-testid={`diagnostic-${d.path}`}>
              <span class="badge">{d.severity}</span>{' '}
              <button type="button" class="link-button" onClick={() => area.current && reveal(area.current, d.start, d.end)} aria-label={`Go to ${d.path || 'the recipe'}, line ${d.line}, column ${d.column}`}>
                {d.path ? <code>{d.path}</code> : 'recipe'} · line {d.line}, column {d.column}
              </button>
              : {d.message}
              {d.suggestion ? (
                d.fix && !props.readOnly ? (
                  <>
                    {' '}
                    <button type="button" class="suggestion" onClick={() => applyFix(d)} title="Apply this fix in the editor">
                      {d.suggestion}
                    </button>
                  </>
                ) : (
                  <span class="muted"> ({d.suggestion})</span>
                )
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {!props.readOnly && values.length && valueSpot ? (
        <div class="field-hints">
          <h3 id={`${props.id}-values`}>
            Values for <code>{pathText(valueSpot.path)}</code>
          </h3>
          <ul ref={valuesRef} aria-labelledby={`${props.id}-values`} onKeyDown={onHintsKey} data-testid="value-hints">
            {values.map((h) => (
              <li key={valueText(h.value)}>
                <button type="button" onClick={() => insertValue(h)}>
                  {valueText(h.value)}
                </button>
                {h.detail ? <span class="hint"> {h.detail}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {!props.readOnly && hints.length ? (
        <div class="field-hints">
          <h3 id={`${props.id}-fields`}>
            Fields allowed {where ? <>in <code>{where}</code></> : 'at the top level'}
          </h3>
          <ul ref={fieldsRef} aria-labelledby={`${props.id}-fields`} onKeyDown={onHintsKey} data-testid="field-hints">
            {hints.map((h) => (
              <li key={h.name}>
                <button type="button" onClick={() => insertField(h)} aria-describedby={h.description ? `${props.id}-field-${h.name}` : undefined}>
                  + {h.name}
                  {h.required ? ' (required)' : ''}
                </button>
                {h.description ? (
                  <span class="hint" id={`${props.id}-field-${h.name}`}>
                    {' '}
                    {h.description}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
