import { Option, type Command } from 'commander';
import type { ConnectionAnswers } from '../../http/api/connections-routes';
import { alreadyPrinted, apiCommand, defaultApiContext, deleteCommand, listCommand, showCommand, type ApiCommandContext } from './api-command';
import { jsonArgument } from './json-argument';
import { table } from './output';
import { given } from './given';

type ConnectionOpts = { name?: string; credentials?: string; baseUrl?: string };
type Connection = ConnectionAnswers['connection'];
type ActivityEntry = ConnectionAnswers['activity'];

/** `switchyard connections …` over the API. */
export function registerConnectionsCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const connections = program.command('connections').description('installed apps: credentials (encrypted, never shown), status, pause/resume');
  const path = (id: string, rest = '') => `/api/v1/connections/${encodeURIComponent(id)}${rest}`;

  // A sandbox app's connection (installed by `switchyard dev`) says so: KIND Sandbox.
  const list = table(['id', 'connector', 'name', 'kind', 'status', 'statusReason'], 'no connections', (c: Connection) => ({ ...c, kind: c.sandbox ? 'Sandbox' : null }));
  listCommand<Connection>(connections.command('list').description('list connections and their status'), ctx, '/api/v1/connections', 'connections', list);
  showCommand(connections.command('show <id>').description('one connection, with waiting runs and webhook URL'), ctx, path);

  apiCommand<ConnectionOpts & { connector: string; name: string }, Connection>(
    withConnectionFields(connections.command('create <id>').description('create a connection').requiredOption('--connector <connector>', 'connector id, e.g. jira'), 'create'),
    ctx,
    ({ client, opts }, id) => client.request('POST', '/api/v1/connections', { id, connector: opts.connector, ...connectionFields(opts) }),
    (created) => `created ${created.id} (${created.connector}), ${created.status}${created.webhookUrl ? `; webhooks: ${created.webhookUrl}` : ''}`,
  );

  apiCommand<ConnectionOpts, Connection>(
    withConnectionFields(connections.command('update <id>').description('change name, credentials or base URL (new credentials reconnect a disconnected connection)'), 'update'),
    ctx,
    ({ client, opts }, id) => client.request('PATCH', path(id), connectionFields(opts)),
    (updated) => `updated ${updated.id}: ${updated.status}`,
  );

  deleteCommand(connections.command('delete <id>').description('delete a connection and its credentials'), ctx, path, 'deleted', (id) => `deleted ${id}`);

  apiCommand(
    connections.command('test <id>').description("check the credentials with the connector's validate call"),
    ctx,
    async ({ client }, id) => {
      const result = await client.request<ConnectionAnswers['test']>('POST', path(id, '/test'));
      if (!result.ok) process.exitCode = 1;
      return result;
    },
    (result, _opts, id) => (result.ok ? `${id}: ok${result.detail ? ` (${result.detail})` : ''}` : `${id}: failed: ${result.reason}`),
  );

  apiCommand<{ reason?: string }, Connection>(
    connections.command('pause <id>').description('pause: events are accepted, runs wait until resume').option('--reason <text>', 'why'),
    ctx,
    ({ client, opts }, id) => client.request('POST', path(id, '/pause'), given({ reason: opts.reason })),
    (paused, _opts, id) => `${id}: ${paused.status}${paused.statusReason ? ` (${paused.statusReason})` : ''}`,
  );

  apiCommand<{ limit: string; format: string }, ActivityEntry[] | typeof alreadyPrinted>(
    connections.command('activity <id>').description('recent calls and errors through the connection, derived from runs')
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
      return (await client.request<{ entries: ActivityEntry[] }>('GET', path(id, `/activity?limit=${limit}`))).entries;
    },
    table(['startedAt', 'recipeId', 'stepId', 'status', 'attempts', 'error'], 'no calls through this connection yet', (e: ActivityEntry) => ({
      ...e,
      error: e.error ? `${e.error.kind}: ${e.error.message}` : null,
    })),
  );

  apiCommand(
    connections.command('resume <id>').description('resume a paused connection; waiting runs proceed'),
    ctx,
    ({ client }, id) => client.request<Connection>('POST', path(id, '/resume')),
    (resumed, _opts, id) => `${id}: ${resumed.status}`,
  );
}

/** `--name`, `--credentials`, `--base-url`: the fields create sets (the name required) and update changes. */
function withConnectionFields(command: Command, use: 'create' | 'update'): Command {
  return command
    .addOption(new Option('--name <name>', 'display name').makeOptionMandatory(use === 'create'))
    .option('--credentials <json>', 'credentials as JSON, @file, or - for stdin')
    .option('--base-url <url>', 'vendor base URL, e.g. https://acme.atlassian.net');
}

/** The fields given as options, in the API's words; credentials come as JSON, @file or - for stdin. */
function connectionFields(opts: ConnectionOpts) {
  return given({ name: opts.name, credentials: opts.credentials && jsonArgument(opts.credentials, '--credentials'), baseUrl: opts.baseUrl });
}
