import type { Command } from 'commander';
import type { WebhookAnswers } from '../../http/api/webhooks-routes';
import { apiCommand, defaultApiContext, deleteCommand, listCommand, showCommand, type ApiCommandContext } from './api-command';
import { table, tableLines } from './output';
import { given } from './given';

/** `switchyard webhooks …`: outgoing webhook subscriptions over the API. */
export function registerWebhooksCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const webhooks = program.command('webhooks').description('outgoing webhooks: subscriptions, test, delivery log, redeliver, recover');
  const path = (id: string, rest = '') => `/api/v1/webhooks/${encodeURIComponent(id)}${rest}`;
  const topicList = (value: string) => value.split(',').map((t) => t.trim()).filter(Boolean);

  const list = table(['id', 'status', 'url', 'topics', 'disabledReason'], 'no webhook subscriptions');
  listCommand<WebhookAnswers['webhook']>(webhooks.command('list').description('list subscriptions and their status'), ctx, '/api/v1/webhooks', 'webhooks', list);
  showCommand(webhooks.command('show <id>').description('one subscription'), ctx, path);

  apiCommand<{ topics: string; description?: string }, WebhookAnswers['withSecret']>(
    webhooks.command('create <url>').description('subscribe a URL; prints the whsec_ signing secret once')
      .requiredOption('--topics <list>', 'comma list, globs allowed: "conversation.*,run.failed"')
      .option('--description <text>', 'what it is for'),
    ctx,
    ({ client, opts }, url) => client.request('POST', '/api/v1/webhooks', { url, topics: topicList(opts.topics), ...given({ description: opts.description }) }),
    (created) => [`created ${created.id} (${created.status}) → ${created.url}`, `secret: ${created.secret}`, 'store the secret now: it is not shown again (rotate-secret issues a new one)'],
  );

  apiCommand<{ destination?: string; topics?: string; description?: string }, WebhookAnswers['webhook']>(
    webhooks.command('update <id>').description('change the URL, topics or description')
      .option('--destination <url>', 'new delivery URL (checked against the SSRF guard); --url is the API base URL')
      .option('--topics <list>', 'comma list of topics')
      .option('--description <text>', 'what it is for'),
    ctx,
    ({ client, opts }, id) =>
      client.request('PATCH', path(id), {
        ...given({ url: opts.destination, topics: opts.topics && topicList(opts.topics) }),
        // An empty description clears it.
        ...(opts.description !== undefined ? { description: opts.description } : {}),
      }),
    (updated) => `updated ${updated.id}: ${updated.status} → ${updated.url} [${updated.topics.join(', ')}]`,
  );

  for (const verb of ['enable', 'disable'] as const) {
    apiCommand(
      webhooks.command(`${verb} <id>`).description(`${verb} a subscription`),
      ctx,
      ({ client }, id) => client.request<WebhookAnswers['webhook']>('POST', path(id, `/${verb}`)),
      (result) => `${result.id}: ${result.status}`,
    );
  }

  deleteCommand(webhooks.command('delete <id>').description('delete a subscription and its delivery log'), ctx, path, 'deleted', (id) => `deleted ${id}`);

  apiCommand<{ window?: string }, WebhookAnswers['withSecret']>(
    webhooks.command('rotate-secret <id>').description('issue a new secret; the old one keeps signing (second v1 signature) during the window')
      .option('--window <duration>', 'e.g. 24h (default), 7d'),
    ctx,
    ({ client, opts }, id) => client.request('POST', path(id, '/rotate-secret'), given({ window: opts.window })),
    (result) => [`secret: ${result.secret}`, `the previous secret also signs until ${result.previousSecretExpiresAt ?? 'now (no window)'}`],
  );

  apiCommand(
    webhooks.command('test <id>').description('send a signed ping now and show the answer'),
    ctx,
    ({ client }, id) => client.request<WebhookAnswers['test']>('POST', path(id, '/test')),
    (result) => [
      result.status === null ? `no answer after ${result.latencyMs} ms: ${result.error}` : `${result.status} in ${result.latencyMs} ms${result.error ? ` (${result.error})` : ''}`,
      ...(result.body ? [result.body] : []),
    ],
  );

  apiCommand<{ status?: string; limit: string }, WebhookAnswers['delivery'][]>(
    webhooks.command('deliveries <id>').description('delivery log, newest first')
      .option('--status <status>', 'pending, delivered or failed')
      .option('--limit <n>', 'how many', '50'),
    ctx,
    async ({ client, opts }, id) => {
      const query = new URLSearchParams({ limit: opts.limit, ...given({ status: opts.status }) });
      return (await client.request<{ deliveries: WebhookAnswers['delivery'][] }>('GET', path(id, `/deliveries?${query}`))).deliveries;
    },
    table(['messageId', 'topic', 'status', 'attempts', 'lastStatusCode', 'lastAttemptAt', 'nextAttemptAt'], 'no deliveries yet'),
  );

  apiCommand(
    webhooks.command('attempts <id> <messageId>').description("one message's attempts: status, latency, response snippet, next attempt"),
    ctx,
    ({ client }, id, messageId) => client.request<WebhookAnswers['deliveryDetail']>('GET', path(id, `/deliveries/${encodeURIComponent(messageId)}`)),
    (delivery) => [
      `${delivery.messageId} ${delivery.topic}: ${delivery.status} after ${delivery.attempts} attempt(s)`,
      ...tableLines(delivery.attempts_log, ['attempt', 'attemptedAt', 'outcome', 'statusCode', 'latencyMs', 'error', 'nextAttemptAt'], 'no attempts yet'),
    ],
  );

  apiCommand(
    webhooks.command('redeliver <id> <messageId>').description('send one message again (same webhook-id)'),
    ctx,
    ({ client }, id, messageId) => client.request('POST', path(id, `/deliveries/${encodeURIComponent(messageId)}/redeliver`)),
    (_result, _opts, id, messageId) => `redelivering ${messageId} to ${id}`,
  );

  apiCommand<{ since: string; until?: string }, WebhookAnswers['recoveryStarted']>(
    webhooks.command('recover <id>').description('re-send every failed message since a time, oldest first, each once')
      .requiredOption('--since <time>', 'ISO-8601, e.g. 2026-11-27T00:00:00Z')
      .option('--until <time>', 'ISO-8601 (default: now)'),
    ctx,
    ({ client, opts }, id) => client.request('POST', path(id, '/recover'), { since: opts.since, ...given({ until: opts.until }) }),
    (result, _opts, id) => `recovery ${result.recoveryId} started; follow it with: switchyard webhooks recovery ${id} ${result.recoveryId}`,
  );

  showCommand(webhooks.command('recovery <id> <recoveryId>').description('progress of a recovery'), ctx, (id, recoveryId) => path(id, `/recoveries/${encodeURIComponent(recoveryId)}`));
}
