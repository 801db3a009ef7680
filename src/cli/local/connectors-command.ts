import type { Command } from 'commander';
import { describeConnector, searchConnectors } from '../../../connectors/catalog';
import { registry as defaultRegistry } from '../../../connectors/registry';
import type { ConnectorRegistry } from '../../../connectors/sdk/registry';
import { connectorCategories } from '../../../connectors/sdk/types';

/** The text `switchyard connectors` prints (the same data as GET /api/v1/connectors). */
function formatConnectorList(registry: ConnectorRegistry, opts: { category?: string; q?: string } = {}): string {
  const list = searchConnectors(registry, opts);
  if (list.length === 0) return 'no connector matches';
  const lines: string[] = [];
  for (const c of list) {
    lines.push(`${c.id.padEnd(14)} ${c.name} — ${c.category} (auth: ${c.authKind})`);
    lines.push(`${''.padEnd(14)} ${c.description}`);
    for (const a of c.actions) lines.push(`${''.padEnd(16)}action  ${a.type.padEnd(36)} ${a.title}`);
    for (const t of c.pollingTriggers) lines.push(`${''.padEnd(16)}poll    ${t.type.padEnd(36)} ${t.title}`);
    if (c.webhookTopics) lines.push(`${''.padEnd(16)}webhook ${c.webhookTopics} topics (switchyard connectors ${c.id} --json)`);
    for (const s of c.webhookSchemes) lines.push(`${''.padEnd(16)}verify  ${s.scheme.padEnd(36)} ${s.headers.length ? s.headers.join(', ') : 'token in the URL: /hooks/<connection>/<token>'}`);
  }
  return lines.join('\n');
}

/** `switchyard connectors [id] [--category C] [--q text] [--json]`. */
export function registerConnectorsCommand(program: Command, registry: ConnectorRegistry = defaultRegistry): void {
  program
    .command('connectors [id]')
    .description('list connectors, their actions, triggers, webhook topics and inbound signature schemes; with an id, its details (JSON Schemas)')
    .option('--category <category>', `one of ${connectorCategories.join(', ')}`)
    .option('--q <text>', 'search names, descriptions and actions')
    .option('--json', 'print JSON (the same bodies as GET /api/v1/connectors[/<id>])')
    .action((id: string | undefined, opts: { category?: string; q?: string; json?: boolean }) => {
      if (opts.category && !connectorCategories.some((c) => c.toLowerCase() === opts.category!.toLowerCase())) {
        console.error(`--category: unknown category "${opts.category}" (expected one of ${connectorCategories.join(', ')})`);
        process.exitCode = 2;
        return;
      }
      if (id) {
        const connector = registry.getConnector(id);
        if (!connector) {
          console.error(`no connector ${id}; known: ${registry.listConnectors().map((c) => c.id).sort().join(', ')}`);
          process.exitCode = 1;
          return;
        }
        console.log(JSON.stringify(describeConnector(connector), null, 2));
        return;
      }
      console.log(opts.json ? JSON.stringify({ connectors: searchConnectors(registry, opts) }, null, 2) : formatConnectorList(registry, opts));
    });
}
