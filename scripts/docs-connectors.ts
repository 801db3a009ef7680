import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectorTableMarkdown, withConnectorTable } from '../connectors/catalog-table';
import { registry } from '../connectors/registry';

/**
 * `npm run docs:connectors` rewrites the connector table in docs/connectors.md from the registry;
 * `-- --check` only reports whether the committed table is current (exit 1 when it drifted).
 */
const file = path.join(__dirname, '../docs/connectors.md');
const current = readFileSync(file, 'utf8');
const next = withConnectorTable(current, connectorTableMarkdown(registry));
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('docs/connectors.md: the connector table is out of date; run npm run docs:connectors');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(file, next);
  console.log('docs/connectors.md: connector table updated');
}
