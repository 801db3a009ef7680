import type { Command } from 'commander';
import { printObject, printRows } from './api-client-output';
import { defaultApiContext, withApiOptions, type ApiCommandContext } from './tokens-command';

type ApiOpts = { url?: string; token?: string; json?: boolean };

/** `switchyard webhooks …`: outgoing webhook subscriptions over the API. */
export function registerWebhooksCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const webhooks = program.command('webhooks').description('outgoing webhooks: subscriptions, test, delivery log, redeliver, recover');
  const path = (id: string, rest = '') => `/api/v1/webhooks/${encodeURIComponent(id)}${rest}`;
  const topicList = (value: string) => value.split(',').map((t) => t.trim()).filter(Boolean);

  withApiOptions(webhooks.command('list').description('list subscriptions and their status')).action(async (opts: ApiOpts) => {
    const { webhooks: rows } = await ctx.client(opts).request('GET', '/api/v1/webhooks');
    printRows(ctx.print, rows, ['id', 'status', 'url', 'topics', 'disabledReason'], opts.json, 'no webhook subscriptions');
  });

  withApiOptions(webhooks.command('show <id>').description('one subscription')).action(async (id: string, opts: ApiOpts) => {
    printObject(ctx.print, await ctx.client(opts).request('GET', path(id)), opts.json);
  });

  withApiOptions(
    webhooks
      .command('create <url>')
      .description('subscribe a URL; prints the whsec_ signing secret once')
      .requiredOption('--topics <list>', 'comma list, globs allowed: "conversation.*,run.failed"')
      .option('--description <text>', 'what it is for'),
  ).action(async (url: string, opts: ApiOpts & { topics: string; description?: string }) => {
    const created = await ctx.client(opts).request('POST', '/api/v1/webhooks', { url, topics: topicList(opts.topics), ...(opts.description ? { description: opts.description } : {}) });
    if (opts.json) return printObject(ctx.print, created, true);
    ctx.print(`created ${created.id} (${created.status}) → ${created.url}`);
    ctx.print(`secret: ${created.secret}`);
    ctx.print('store the secret now: it is not shown again (rotate-secret issues a new one)');
  });

  withApiOptions(
    webhooks
      .command('update <id>')
      .description('change the URL, topics or description')
      .option('--destination <url>', 'new delivery URL (checked against the SSRF guard); --url is the API base URL')
      .option('--topics <list>', 'comma list of topics')
      .option('--description <text>', 'what it is for'),
  ).action(async (id: string, opts: ApiOpts & { destination?: string; topics?: string; description?: string }) => {
    const body = { ...(opts.destination ? { url: opts.destination } : {}), ...(opts.topics ? { topics: topicList(opts.topics) } : {}), ...(opts.description !== undefined ? { description: opts.description } : {}) };
    const updated = await ctx.client(opts).request('PATCH', path(id), body);
    if (opts.json) return printObject(ctx.print, updated, true);
    ctx.print(`updated ${updated.id}: ${updated.status} → ${updated.url} [${updated.topics.join(', ')}]`);
  });

  for (const verb of ['enable', 'disable'] as const) {
    withApiOptions(webhooks.command(`${verb} <id>`).description(`${verb} a subscription`)).action(async (id: string, opts: ApiOpts) => {
      const result = await ctx.client(opts).request('POST', path(id, `/${verb}`));
      if (opts.json) return printObject(ctx.print, result, true);
      ctx.print(`${result.id}: ${result.status}`);
    });
  }

  withApiOptions(webhooks.command('delete <id>').description('delete a subscription and its delivery log')).action(async (id: string, opts: ApiOpts) => {
    await ctx.client(opts).request('DELETE', path(id));
    if (opts.json) return printObject(ctx.print, { deleted: id }, true);
    ctx.print(`deleted ${id}`);
  });

  withApiOptions(
    webhooks
      .command('rotate-secret <id>')
      .description('issue a new secret; the old one keeps signing (second v1 signature) during the window')
      .option('--window <duration>', 'e.g. 24h (default), 7d'),
  ).action(async (id: string, opts: ApiOpts & { window?: string }) => {
    const result = await ctx.client(opts).request('POST', path(id, '/rotate-secret'), opts.window ? { window: opts.window } : {});
    if (opts.json) return printObject(ctx.print, result, true);
    ctx.print(`secret: ${result.secret}`);
    ctx.print(`the previous secret also signs until ${result.previousSecretExpiresAt ?? 'now (no window)'}`);
  });

  withApiOptions(webhooks.command('test <id>').description('send a signed ping now and show the answer')).action(async (id: string, opts: ApiOpts) => {
    const result = await ctx.client(opts).request('POST', path(id, '/test'));
    if (opts.json) return printObject(ctx.print, result, true);
    ctx.print(result.status === null ? `no answer after ${result.latencyMs} ms: ${result.error}` : `${result.status} in ${result.latencyMs} ms${result.error ? ` (${result.error})` : ''}`);
    if (result.body) ctx.print(result.body);
  });

  withApiOptions(
    webhooks
      .command('deliveries <id>')
      .description('delivery log, newest first')
      .option('--status <status>', 'pending, delivered or failed')
      .option('--limit <n>', 'how many', '50'),
  ).action(async (id: string, opts: ApiOpts & { status?: string; limit: string }) => {
    const query = new URLSearchParams({ limit: opts.limit, ...(opts.status ? { status: opts.status } : {}) });
    const { deliveries } = await ctx.client(opts).request('GET', path(id, `/deliveries?${query}`));
    printRows(ctx.print, deliveries, ['messageId', 'topic', 'status', 'attempts', 'lastStatusCode', 'lastAttemptAt', 'nextAttemptAt'], opts.json, 'no deliveries yet');
  });

  withApiOptions(webhooks.command('attempts <id> <messageId>').description("one message's attempts: status, latency, response snippet, next attempt")).action(
    async (id: string, messageId: string, opts: ApiOpts) => {
      const delivery = await ctx.client(opts).request('GET', path(id, `/deliveries/${encodeURIComponent(messageId)}`));
      if (opts.json) return printObject(ctx.print, delivery, true);
      ctx.print(`${delivery.messageId} ${delivery.topic}: ${delivery.status} after ${delivery.attempts} attempt(s)`);
      printRows(ctx.print, delivery.attempts_log, ['attempt', 'attemptedAt', 'outcome', 'statusCode', 'latencyMs', 'error', 'nextAttemptAt'], false, 'no attempts yet');
    },
  );

  withApiOptions(webhooks.command('redeliver <id> <messageId>').description('send one message again (same webhook-id)')).action(async (id: string, messageId: string, opts: ApiOpts) => {
    const result = await ctx.client(opts).request('POST', path(id, `/deliveries/${encodeURIComponent(messageId)}/redeliver`));
    if (opts.json) return printObject(ctx.print, result, true);
    ctx.print(`redelivering ${messageId} to ${id}`);
  });

  withApiOptions(
    webhooks
      .command('recover <id>')
      .description('re-send every failed message since a time, oldest first, each once')
      .requiredOption('--since <time>', 'ISO-8601, e.g. 2026-11-27T00:00:00Z')
      .option('--until <time>', 'ISO-8601 (default: now)'),
  ).action(async (id: string, opts: ApiOpts & { since: string; until?: string }) => {
    const result = await ctx.client(opts).request('POST', path(id, '/recover'), { since: opts.since, ...(opts.until ? { until: opts.until } : {}) });
    if (opts.json) return printObject(ctx.print, result, true);
    ctx.print(`recovery ${result.recoveryId} started; follow it with: switchyard webhooks recovery ${id} ${result.recoveryId}`);
  });

  withApiOptions(webhooks.command('recovery <id> <recoveryId>').description('progress of a recovery')).action(async (id: string, recoveryId: string, opts: ApiOpts) => {
    printObject(ctx.print, await ctx.client(opts).request('GET', path(id, `/recoveries/${encodeURIComponent(recoveryId)}`)), opts.json);
  });
}
