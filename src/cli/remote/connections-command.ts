import { Option, type Command } from 'commander';
import type { ConnectionAnswers } from '../../http/api/connections-routes';
import type { OAuthStartAnswer } from '../../http/api/oauth-routes';
import { ApiError, type ApiClient } from './api-client';
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

  apiCommand<{ id: string; label?: string; scope?: string[]; baseUrl?: string; wait?: boolean }, typeof alreadyPrinted>(
    connections
      .command('connect <connector>')
      .description('OAuth Connect: print the URL of the vendor’s consent page for a new connection, or a reconnect (same id); --wait waits until it is connected')
      .requiredOption('--id <connectionId>', 'the connection to create or reconnect')
      .option('--label <name>', 'display name (default: the connector name)')
      .option('--scope <scope...>', 'scopes instead of the connector’s defaults')
      .option('--base-url <url>', 'the connection’s API base URL override (a sandbox)')
      .option('--wait', 'poll every 2 s until the connection is connected, at most until the authorization expires (10 minutes)'),
    ctx,
    async ({ client, opts, print }, connector) => {
      const before = await connectionOrUndefined(client, path(opts.id));
      const started = await client.request<OAuthStartAnswer>('POST', '/api/v1/connections/oauth/start', given({ connector, connectionId: opts.id, label: opts.label, scopes: opts.scope, baseUrl: opts.baseUrl }));
      print(`open this URL in a browser to connect ${opts.id} (${connector}); it expires at ${started.expiresAt}:`);
      print(started.authorizeUrl);
      if (!opts.wait) return alreadyPrinted;
      const deadline = Date.parse(started.expiresAt);
      for (;;) {
        const now = await connectionOrUndefined(client, path(opts.id));
        if (now && now.status === 'connected' && now.updatedAt !== before?.updatedAt) {
          print(`connected ${now.id} (${now.connector})`);
          return alreadyPrinted;
        }
        if (Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, Math.max(0, deadline - Date.now()))));
      }
      print(`${opts.id}: not connected before ${started.expiresAt}; run connect again`);
      process.exitCode = 1;
      return alreadyPrinted;
    },
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

/** The connection, or undefined while it does not exist (404). */
async function connectionOrUndefined(client: ApiClient, path: string): Promise<Connection | undefined> {
  try {
    return await client.request<Connection>('GET', path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
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
