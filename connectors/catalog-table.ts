import { z } from 'zod';
import type { AnyConnector, ConnectorRegistry } from './sdk/registry';
import { signatureSchemeHeaders } from './sdk/signatures/schemes';
import { connectorCategories, type ActionEffect } from './sdk/types';

/** The markers around the generated table in docs/connectors.md. */
export const catalogTableMarkers = {
  start: '<!-- connector-table:start — generated from connectors/registry.ts by `npm run docs:connectors`; do not edit by hand -->',
  end: '<!-- connector-table:end -->',
} as const;

const code = (s: string) => `\`${s}\``;

/** `basic: username, password, siteUrl, region?` from the credentials schema (optional fields marked `?`). */
function authCell(c: AnyConnector): string {
  const schema = z.toJSONSchema(c.auth.credentials, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
  const required = new Set(schema.required ?? []);
  const fields = Object.keys(schema.properties ?? {}).map((f) => code(required.has(f) ? f : `${f}?`));
  return fields.length > 0 ? `${c.auth.kind}: ${fields.join(', ')}` : c.auth.kind;
}

function triggersCell(c: AnyConnector): string {
  const polls = Object.keys(c.pollingTriggers).map((k) => `poll ${code(k)}`);
  const source = c.webhookSource;
  const aliases = Object.keys(source?.topicAliases ?? {}).length;
  const topics = source?.topicsOpen ? 'any topic the sender names' : `${source?.topics.length} topics${aliases > 0 ? ` + ${aliases} aliases` : ''}`;
  const hooks = source ? [`webhook (${topics})`] : [];
  return [...hooks, ...polls].join('; ') || '—';
}

function signatureCell(c: AnyConnector): string {
  const schemes = c.webhookSource?.schemes ?? [];
  if (schemes.length === 0) return '—';
  return schemes.map((s) => (signatureSchemeHeaders[s].headers.length > 0 ? `${code(s)} (${signatureSchemeHeaders[s].headers.join(', ')})` : code(s))).join(', ');
}

/** What a lost answer and Temporal's retry (or `runs retry --from failed`) do to the action's effect. */
export function effectGuarantee(effect: ActionEffect): { guarantee: string; how: string } {
  switch (effect.kind) {
    case 'none':
      return { guarantee: 'no effect (reads)', how: '—' };
    case 'idempotencyKey':
      return { guarantee: 'at most once', how: `idempotent by ${effect.key}` };
    case 'reconcile':
      return { guarantee: 'at most once', how: `side-effect ledger + reconcile: ${effect.marker}` };
    case 'atLeastOnce':
      return { guarantee: 'at least once', how: effect.why };
  }
}

/** The docs tables of every registered connector (ordered by App Store category, then id), then of every action's effect guarantee. */
export function connectorTableMarkdown(registry: ConnectorRegistry): string {
  const order = (c: AnyConnector) => connectorCategories.indexOf(c.category);
  const connectors = [...registry.listConnectors()].sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id));
  const rows = connectors.map((c) => `| ${code(c.id)} | ${c.category} | ${authCell(c)} | ${Object.keys(c.actions).map(code).join(', ') || '—'} | ${triggersCell(c)} | ${signatureCell(c)} |`);
  const effects = connectors.flatMap((c) =>
    Object.values(c.actions).map((a) => {
      const { guarantee, how } = effectGuarantee(a.effect);
      return `| ${code(`${c.id}.${a.key}`)} | ${a.effect.kind === 'atLeastOnce' ? `**${guarantee}**` : guarantee} | ${how} |`;
    }),
  );
  return [
    '| id | category | auth | actions | triggers | inbound signature |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'Effect of each action when an answer is lost and the step is retried (by Temporal, or by `switchyard runs retry --from failed`):',
    '',
    '| action | external effect | how |',
    '|---|---|---|',
    ...effects,
  ].join('\n');
}

/** `document` with the text between the markers replaced by the table; throws when the markers are missing. */
export function withConnectorTable(document: string, table: string): string {
  const start = document.indexOf(catalogTableMarkers.start);
  const end = document.indexOf(catalogTableMarkers.end);
  if (start < 0 || end < start) throw new Error(`the connector table markers are missing (${catalogTableMarkers.start} … ${catalogTableMarkers.end})`);
  return `${document.slice(0, start + catalogTableMarkers.start.length)}\n${table}\n${document.slice(end)}`;
}
