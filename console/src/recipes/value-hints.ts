import type { Connection, ConnectorSummary } from '../api/types';
import type { Segment } from './json-text';
import { declaresField, objectAt, schemaValuesAt } from './schema-fields';

/** A value the editor offers for a field: what it inserts, and words about it. */
export interface ValueHint {
  value: unknown;
  detail?: string;
}

/** What the editor knows of this installation: its connections, and the connectors' actions and polling triggers. */
export interface EditorCatalog {
  connections: readonly Pick<Connection, 'id' | 'name' | 'connector'>[];
  connectors: readonly Pick<ConnectorSummary, 'id' | 'actions' | 'pollingTriggers'>[];
}

/** `slack.postMessage` → `slack`. */
const connectorOf = (type: unknown) => (typeof type === 'string' && type.includes('.') ? type.slice(0, type.indexOf('.')) : undefined);

/** Hints that contain what is typed so far (`slack.` narrows a long list); all of them when nothing matches or the value is already one. */
function narrowed(hints: ValueHint[], current: unknown): ValueHint[] {
  const typed = typeof current === 'string' && !hints.some((h) => h.value === current) ? current.toLowerCase() : '';
  const matching = typed ? hints.filter((h) => String(h.value).toLowerCase().includes(typed)) : [];
  return matching.length ? matching : hints;
}

/**
 * The values to offer for the field at `path` of `doc` (only where the schema declares the field):
 * the schema's own (enum and const values, true/false); else, from the catalog, the installed
 * connections for a `connection` (those of the connector its step's action or poll trigger names),
 * the actions for a step's `action` (those of its connection's connector), the polling triggers
 * for a poll trigger's `trigger`.
 */
export function valuesAt(doc: unknown, path: readonly Segment[], catalog: EditorCatalog | undefined): ValueHint[] {
  const name = path.at(-1);
  const parentPath = path.slice(0, -1);
  if (typeof name !== 'string' || !declaresField(doc, parentPath, name)) return [];
  const schema = schemaValuesAt(doc, path);
  if (schema.length || !catalog) return schema.map((value) => ({ value }));
  const parent = objectAt(doc, parentPath) ?? {};
  const connectorOfConnection = catalog.connections.find((c) => c.id === parent.connection)?.connector;
  let hints: ValueHint[] = [];
  if (name === 'connection') {
    const connector = connectorOf(parent.action ?? parent.trigger);
    hints = catalog.connections.filter((c) => !connector || c.connector === connector).map((c) => ({ value: c.id, detail: `${c.name} (${c.connector})` }));
  } else if (name === 'action') {
    hints = catalog.connectors.filter((c) => !connectorOfConnection || c.id === connectorOfConnection).flatMap((c) => c.actions.map((a) => ({ value: a.type, detail: a.title })));
  } else if (name === 'trigger' && parent.type === 'poll') {
    hints = catalog.connectors.filter((c) => !connectorOfConnection || c.id === connectorOfConnection).flatMap((c) => c.pollingTriggers.map((t) => ({ value: t.type, detail: t.title })));
  }
  return narrowed(hints, parent[name]);
}
