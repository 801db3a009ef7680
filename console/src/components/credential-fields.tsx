import type { ConnectorDetail } from '../api/types';
import { Options } from './options';
import credentialLabels from './credential-labels.json';

interface PropertySchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  format?: string;
  default?: unknown;
}

export interface CredentialField {
  name: string;
  label: string;
  kind: 'text' | 'secret' | 'number' | 'boolean' | 'select' | 'url';
  required: boolean;
  hint?: string;
  options?: string[];
}

/** Words people know for the names connectors give their credentials (a data file: labels, not logic). */
const known: Record<string, { label: string; hint: string } | undefined> = credentialLabels;

const secretName = /secret|token|password|key/i;

const humanize = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** The setup form's fields, from the connector's credentials JSON Schema (its `description`s are the hints). */
export function credentialFields(connector: ConnectorDetail): CredentialField[] {
  const schema = connector.auth.credentials as { properties?: Record<string, PropertySchema>; required?: string[] };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type;
    const kind: CredentialField['kind'] = p.enum
      ? 'select'
      : type === 'boolean'
        ? 'boolean'
        : type === 'number' || type === 'integer'
          ? 'number'
          : p.format === 'uri'
            ? 'url'
            : secretName.test(name)
              ? 'secret'
              : 'text';
    return {
      name,
      label: known[name]?.label ?? humanize(name),
      kind,
      required: required.has(name),
      hint: p.description ?? known[name]?.hint,
      options: p.enum?.map(String),
    };
  });
}

/** The form's values typed as the schema says (numbers and booleans as such); empty optional fields left out. */
export function credentialValues(fields: CredentialField[], values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name] ?? '';
    if (f.kind === 'boolean') out[f.name] = raw === 'true';
    else if (raw === '' && !f.required) continue;
    else out[f.name] = f.kind === 'number' ? Number(raw) : raw;
  }
  return out;
}

/** The inputs, each labelled, with its hint and the server's message for it (422 `body.credentials.<name>`). */
export function CredentialInputs(props: { fields: CredentialField[]; values: Record<string, string>; issues: Record<string, string>; onChange(name: string, value: string): void }) {
  return (
    <>
      {props.fields.map((f) => {
        const id = `cred-${f.name}`;
        const issue = props.issues[`body.credentials.${f.name}`] ?? props.issues[`body.credentials`];
        const describedBy = [f.hint ? `${id}-hint` : '', issue ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        const value = props.values[f.name] ?? '';
        return (
          <div key={f.name}>
            {f.kind === 'boolean' ? (
              <label class="inline" for={id}>
                <input id={id} type="checkbox" checked={value === 'true'} onChange={(e) => props.onChange(f.name, String(e.currentTarget.checked))} aria-describedby={describedBy} />
                {f.label}
              </label>
            ) : (
              <label for={id}>
                {f.label}
                {f.required ? '' : ' (optional)'}
              </label>
            )}
            {f.kind === 'select' ? (
              <select id={id} value={value} required={f.required} onChange={(e) => props.onChange(f.name, e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={issue ? true : undefined}>
                <Options none="Choose…" values={f.options ?? []} />
              </select>
            ) : f.kind === 'boolean' ? null : (
              <input
                id={id}
                name={f.name}
                // Preact types each input type apart (tsc -p console needs the assertion); one element serves all four.
                // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
                type={(f.kind === 'secret' ? 'password' : f.kind === 'number' ? 'number' : f.kind === 'url' ? 'url' : 'text') as 'text'}
                autoComplete="off"
                required={f.required}
                value={value}
                onInput={(e) => props.onChange(f.name, e.currentTarget.value)}
                aria-describedby={describedBy}
                aria-invalid={issue ? true : undefined}
              />
            )}
            {f.hint ? (
              <p class="hint" id={`${id}-hint`}>
                {f.hint}
              </p>
            ) : null}
            {issue ? (
              <p class="field-error" id={`${id}-error`}>
                {issue}
              </p>
            ) : null}
          </div>
        );
      })}
    </>
  );
}
