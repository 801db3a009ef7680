import type { Command } from 'commander';
import { jsonArgument } from './api-client';
import { printObject, printRows } from './api-client-output';
import { defaultApiContext, withApiOptions, type ApiCommandContext } from './tokens-command';

type ApiOpts = { url?: string; token?: string; json?: boolean };

/** `switchyard connections …` over the API. */
export function registerConnectionsCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const connections = program.command('connections').description('installed apps: credentials (encrypted, never shown), status, pause/resume');
  const path = (id: string, rest = '') => `/api/v1/connections/${encodeURIComponent(id)}${rest}`;

  withApiOptions(connections.command('list').description('list connections and their status')).action(async (opts: ApiOpts) => {
    const { connections: rows } = await ctx.client(opts).request('GET', '/api/v1/connections');
    printRows(ctx.print, rows, ['id', 'connector', 'name', 'status', 'statusReason'], opts.json, 'no connections');
  });

  withApiOptions(connections.command('show <id>').description('one connection, with waiting runs and webhook URL')).action(async (id: string, opts: ApiOpts) => {
    printObject(ctx.print, await ctx.client(opts).request('GET', path(id)), opts.json);
  });

  withApiOptions(
    connections
      .command('create <id>')
      .description('create a connection')
      .requiredOption('--connector <connector>', 'connector id, e.g. jira')
      .requiredOption('--name <name>', 'display name')
      .option('--credentials <json>', 'credentials as JSON, @file, or - for stdin')
      .option('--base-url <url>', 'vendor base URL, e.g. https://acme.atlassian.net'),
  ).action(async (id: string, opts: ApiOpts & { connector: string; name: string; credentials?: string; baseUrl?: string }) => {
    const body = {
      id,
      connector: opts.connector,
      name: opts.name,
      ...(opts.credentials ? { credentials: jsonArgument(opts.credentials, '--credentials') } : {}),
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    };
    const created = await ctx.client(opts).request('POST', '/api/v1/connections', body);
    if (opts.json) return printObject(ctx.print, created, true);
    ctx.print(`created ${created.id} (${created.connector}), ${created.status}${created.webhookUrl ? `; webhooks: ${created.webhookUrl}` : ''}`);
  });

  withApiOptions(
    connections
      .command('update <id>')
      .description('change name, credentials or base URL (new credentials reconnect a disconnected connection)')
      .option('--name <name>', 'display name')
      .option('--credentials <json>', 'credentials as JSON, @file, or - for stdin')
      .option('--base-url <url>', 'vendor base URL'),
  ).action(async (id: string, opts: ApiOpts & { name?: string; credentials?: string; baseUrl?: string }) => {
    const body = {
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.credentials ? { credentials: jsonArgument(opts.credentials, '--credentials') } : {}),
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    };
    const updated = await ctx.client(opts).request('PATCH', path(id), body);
    if (opts.json) return printObject(ctx.print, updated, true);
    ctx.print(`updated ${updated.id}: ${updated.status}`);
  });

  withApiOptions(connections.command('delete <id>').description('delete a connection and its credentials')).action(async (id: string, opts: ApiOpts) => {
    await ctx.client(opts).request('DELETE', path(id));
    if (opts.json) return printObject(ctx.print, { deleted: id }, true);
    ctx.print(`deleted ${id}`);
  });

  withApiOptions(connections.command('test <id>').description("check the credentials with the connector's validate call")).action(async (id: string, opts: ApiOpts) => {
    const result = await ctx.client(opts).request('POST', path(id, '/test'));
    if (opts.json) return printObject(ctx.print, result, true);
    ctx.print(result.ok ? `${id}: ok${result.detail ? ` (${result.detail})` : ''}` : `${id}: failed: ${result.reason}`);
    if (!result.ok) process.exitCode = 1;
  });

  withApiOptions(connections.command('pause <id>').description('pause: events are accepted, runs wait until resume').option('--reason <text>', 'why')).action(
    async (id: string, opts: ApiOpts & { reason?: string }) => {
      const paused = await ctx.client(opts).request('POST', path(id, '/pause'), opts.reason ? { reason: opts.reason } : {});
      if (opts.json) return printObject(ctx.print, paused, true);
      ctx.print(`${id}: ${paused.status}${paused.statusReason ? ` (${paused.statusReason})` : ''}`);
    },
  );

  withApiOptions(
    connections
      .command('activity <id>')
      .description('recent calls and errors through the connection, derived from runs')
      .option('--limit <n>', 'how many recent runs to look at', '50')
      .option('--format <format>', 'table, ndjson or csv (exports)', 'table'),
  ).action(async (id: string, opts: ApiOpts & { limit: string; format: string }) => {
    const client = ctx.client(opts);
    if (opts.format === 'ndjson' || opts.format === 'csv') {
      const text = await client.requestText('GET', path(id, `/activity?format=${opts.format}&limit=${encodeURIComponent(opts.limit)}`));
      for (const line of text.split('\n').filter(Boolean)) ctx.print(line);
      return;
    }
    const { entries } = await client.request('GET', path(id, `/activity?limit=${encodeURIComponent(opts.limit)}`));
    const rows = entries.map((e: { error: { kind: string; message: string } | null }) => ({ ...e, error: e.error ? `${e.error.kind}: ${e.error.message}` : null }));
    printRows(ctx.print, opts.json ? entries : rows, ['startedAt', 'recipeId', 'stepId', 'status', 'attempts', 'error'], opts.json, 'no calls through this connection yet');
  });

  withApiOptions(connections.command('resume <id>').description('resume a paused connection; waiting runs proceed')).action(async (id: string, opts: ApiOpts) => {
    const resumed = await ctx.client(opts).request('POST', path(id, '/resume'));
    if (opts.json) return printObject(ctx.print, resumed, true);
    ctx.print(`${id}: ${resumed.status}`);
  });
}
