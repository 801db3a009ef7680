import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogTableMarkers, connectorTableMarkdown, withConnectorTable } from '../../connectors/catalog-table';
import { registry } from '../../connectors/registry';

const docsFile = path.resolve(__dirname, '../../docs/connectors.md');

describe('docs/connectors.md connector table', () => {
  it('is the table generated from the registry (run npm run docs:connectors after adding a connector)', () => {
    const committed = readFileSync(docsFile, 'utf8');
    expect(committed).toBe(withConnectorTable(committed, connectorTableMarkdown(registry)));
  });

  it('has one row per connector with its category, and the inbound signature headers of webhook sources', () => {
    const lines = connectorTableMarkdown(registry).split('\n');
    const rows = lines.slice(2, lines.indexOf(''));
    expect(rows).toHaveLength(registry.listConnectors().length);
    for (const c of registry.listConnectors()) expect(rows.find((r) => r.startsWith(`| \`${c.id}\` | ${c.category} |`)), c.id).toBeDefined();
    expect(rows.find((r) => r.startsWith('| `intercom` '))).toContain('`hub-sha1` (X-Hub-Signature)');
    expect(rows.find((r) => r.startsWith('| `webhook` '))).toContain('webhook (any topic the sender names)');
    expect(rows.find((r) => r.startsWith('| `jira` '))).toMatch(/^\| `jira` \| Support \| basic: `username`, `password`, `siteUrl` \| `createIssue`, `addComment` \| poll `newIssues` \| — \|$/);
  });

  it('states every action\'s effect guarantee on retries: at most once (and how), at least once (and why), or no effect', () => {
    const table = connectorTableMarkdown(registry).split('\n');
    const effects = table.slice(table.indexOf('| action | external effect | how |') + 2);
    const actions = registry.listConnectors().flatMap((c) => Object.keys(c.actions).map((k) => `${c.id}.${k}`));
    expect(effects).toHaveLength(actions.length);
    for (const a of actions) expect(effects.find((r) => r.startsWith(`| \`${a}\` |`)), a).toMatch(/\| (at most once|\*\*at least once\*\*|no effect \(reads\)) \| \S/);
    expect(effects.find((r) => r.startsWith('| `jira.createIssue` |'))).toMatch(/\| at most once \| side-effect ledger \+ reconcile: .*JQL/);
    expect(effects.find((r) => r.startsWith('| `teams.postMessage` |'))).toContain('**at least once**');
  });

  it('refuses a document without the markers instead of appending a table somewhere', () => {
    expect(() => withConnectorTable('# Connectors\n', '| id |')).toThrow(/markers are missing/);
    expect(withConnectorTable(`a\n${catalogTableMarkers.start}\nold\n${catalogTableMarkers.end}\nb`, 'new')).toBe(`a\n${catalogTableMarkers.start}\nnew\n${catalogTableMarkers.end}\nb`);
  });
});
