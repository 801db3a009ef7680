import type { Command } from 'commander';
import { alreadyPrinted, apiCommand, defaultApiContext, type ApiCommandContext } from './api-command';
import { jsonArgument } from './json-argument';
import { table } from './output';

type ActivityEntry = { error: { kind: string; message: string } | null };

/** `switchyard connections …` over the API. */
export function registerConnectionsCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const connections = program.command('connections').description('installed apps: credentials (encrypted, never shown), status, pause/resume');
  const path = (id: string, rest = '') => `/api/v1/connections/${encodeURIComponent(id)}${rest}`;

  apiCommand(
    connections.command('list').description('list connections and their status'),
    ctx,
    async ({ client }) => (await client.request('GET', '/api/v1/connections')).connections,
    table(['id', 'connector', 'name', 'status', 'statusReason'], 'no connections'),
  );

  apiCommand(connections.command('show <id>').description('one connection, with waiting runs and webhook URL'), ctx, ({ client }, id) => client.request('GET', path(id)));

  apiCommand<{ connector: string; name: string; credentials?: string; baseUrl?: string }>(
    connections
      .command('create <id>')
      .description('create a connection')
      .requiredOption('--connector <connector>', 'connector id, e.g. jira')
      .requiredOption('--name <name>', 'display name')
      .option('--credentials <json>', 'credentials as JSON, @file, or - for stdin')
      .option('--base-url <url>', 'vendor base URL, e.g. https://acme.atlassian.net'),
    ctx,
    ({ client, opts }, id) =>
      client.request('POST', '/api/v1/connections', {
        id,
        connector: opts.connector,
        name: opts.name,
        ...(opts.credentials ? { credentials: jsonArgument(opts.credentials, '--credentials') } : {}),
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      }),
    (created) => `created ${created.id} (${created.connector}), ${created.status}${created.webhookUrl ? `; webhooks: ${created.webhookUrl}` : ''}`,
  );

  apiCommand<{ name?: string; credentials?: string; baseUrl?: string }>(
    connections
      .command('update <id>')
      .description('change name, credentials or base URL (new credentials reconnect a disconnected connection)')
      .option('--name <name>', 'display name')
      .option('--credentials <json>', 'credentials as JSON, @file, or - for stdin')
      .option('--base-url <url>', 'vendor base URL'),
    ctx,
    ({ client, opts }, id) =>
      client.request('PATCH', path(id), {
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.credentials ? { credentials: jsonArgument(opts.credentials, '--credentials') } : {}),
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      }),
    (updated) => `updated ${updated.id}: ${updated.status}`,
  );

  apiCommand(
    connections.command('delete <id>').description('delete a connection and its credentials'),
    ctx,
    async ({ client }, id) => {
      await client.request('DELETE', path(id));
      return { deleted: id };
    },
    ({ deleted }) => `deleted ${deleted}`,
  );

  apiCommand(
    connections.command('test <id>').description("check the credentials with the connector's validate call"),
    ctx,
    async ({ client }, id) => {
      const result = await client.request('POST', path(id, '/test'));
      if (!result.ok) process.exitCode = 1;
      return result;
    },
    (result, _opts, id) => (result.ok ? `${id}: ok${result.detail ? ` (${result.detail})` : ''}` : `${id}: failed: ${result.reason}`),
  );

  apiCommand<{ reason?: string }>(
    connections.command('pause <id>').description('pause: events are accepted, runs wait until resume').option('--reason <text>', 'why'),
    ctx,
    ({ client, opts }, id) => client.request('POST', path(id, '/pause'), opts.reason ? { reason: opts.reason } : {}),
    (paused, _opts, id) => `${id}: ${paused.status}${paused.statusReason ? ` (${paused.statusReason})` : ''}`,
  );

  apiCommand<{ limit: string; format: string }>(
    connections
      .command('activity <id>')
      .description('recent calls and errors through the connection, derived from runs')
      .option('--limit <n>', 'how many recent runs to look at', '50')
      .option('--format <format>', 'table, ndjson or csv (exports)', 'table'),
    ctx,
    async ({ client, opts, print }, id) => {
      const limit = encodeURIComponent(opts.limit);
      if (opts.format === 'ndjson' || opts.format === 'csv') {
        const text = await client.requestText('GET', path(id, `/activity?format=${opts.format}&limit=${limit}`));
        for (const line of text.split('\n').filter(Boolean)) print(line);
        return alreadyPrinted;
      }
      return (await client.request('GET', path(id, `/activity?limit=${limit}`))).entries as ActivityEntry[];
    },
    table(['startedAt', 'recipeId', 'stepId', 'status', 'attempts', 'error'], 'no calls through this connection yet', (e: ActivityEntry) => ({
      ...e,
      error: e.error ? `${e.error.kind}: ${e.error.message}` : null,
    })),
  );

  apiCommand(
    connections.command('resume <id>').description('resume a paused connection; waiting runs proceed'),
    ctx,
    ({ client }, id) => client.request('POST', path(id, '/resume')),
    (resumed, _opts, id) => `${id}: ${resumed.status}`,
  );
}
