import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SlackFake } from '../../sandbox/slack-fake';
import { call } from '../support/api-harness';
import { ensureConsoleBuilt, launchChromium, screenshotter, signedInPage } from '../support/browser';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyRecipe } from '../support/hooks';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { startSink, type Sink } from '../support/sink';

/**
 * The Logs page in chromium against the real engine: a signed and a badly-signed delivery to an
 * Intercom connection are listed with their outcome (reached from the connection's page), the
 * body opens, the filtered export downloads; an outgoing webhook delivery shows its attempt and
 * is redelivered, and a read-only token sees no Redeliver; the vendor calls of two runs (one
 * Slack accepted, one it refused) show with their status, filtered by connection (a choice in the
 * filter survives the list's Refresh) and exported.
 */
describe('console logs in chromium', () => {
  const admin = `admin-${randomBytes(24).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  const tag = randomBytes(3).toString('hex');
  const hooked = `logs-in-${tag}`;
  const paused = `logs-out-${tag}`;
  let engine: TestEngine;
  let sink: Sink;
  const slack = new SlackFake();
  /** Two connections to the Slack fake: one posts where Slack has the channel, the other where it has none. */
  const posting = `slack-${tag}`;
  const misrouted = `slack-misrouted-${tag}`;
  let browser: Browser;
  let page: Page;
  let reader: string;
  const shot = screenshotter();
  const api = (method: string, path: string, body?: unknown) => call(engine.api.url, method, path, { token: admin, body });

  const download = async (name: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    sink = await startSink(200);
    await slack.start();
    engine = await startTestEngine('console-logs', { SWITCHYARD_ADMIN_TOKEN: admin, SWITCHYARD_ENGINE_EVENTS_POLL: '200ms' }, async (store) => {
      for (const id of [hooked, paused]) await store.connections.create({ id, connector: 'intercom', name: `Intercom ${id}`, credentials: { clientSecret: secret } });
      await applyRecipe(
        store,
        { id: `gate-${tag}`, name: 'Gate', trigger: { type: 'webhook', connection: hooked, event: 'conversation.user.created' }, steps: [{ id: 'approve', waitFor: { approval: { timeout: '1h' } } }] },
        { [hooked]: 'intercom' },
      );
      for (const [id, channel] of [
        [posting, '#support'],
        [misrouted, '#nowhere'],
      ] as const) {
        await store.connections.create({ id, connector: 'slack', name: `Slack ${id}`, credentials: { accessToken: 'xoxb-test-token' }, baseUrl: slack.url });
        const post = { id: 'post', action: 'slack.postMessage', connection: id, input: { channel, text: 'Hello from {{ trigger.source }}' } };
        await applyRecipe(store, { id: `post-${id}`, name: `Post via ${id}`, trigger: { type: 'event', event: `post.${id}` }, steps: [post] }, { [id]: 'slack' });
      }
    });
    reader = (await engine.api.tokens.create({ name: 'log reader', scopes: ['connections:read', 'webhooks:read'] })).secret;
    browser = await launchChromium();
    page = await signedInPage(browser, engine.api.url, admin);
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
    await sink?.close();
    await slack.close();
  });

  it('lists a signed and a badly-signed delivery with their outcome, opens the body and exports the filtered log', async () => {
    const body = intercomNotification('conversation.user.created', { type: 'conversation', id: `c-${tag}`, note: `canary-${tag}` });
    const accepted = await postIntercomWebhook(engine.api.url, hooked, body, secret);
    expect(accepted.status).toBe(202);
    const runId = ((await accepted.json()) as { runs: { runId: string }[] }).runs[0]!.runId;
    expect((await postIntercomWebhook(engine.api.url, hooked, intercomNotification('conversation.user.created', { id: `forged-${tag}` }), 'not-the-secret')).status).toBe(401);

    // From the connection's page to its logs.
    await page.goto(`/apps/${hooked}`);
    await page.getByRole('link', { name: 'Deliveries, webhooks and calls of this connection' }).click();
    await page.waitForURL(`**/logs?view=inbound&connection=${hooked}`);
    const rows = page.locator('tbody tr[data-testid^="inbound-"]');
    await expect.poll(async () => (await rows.count()) === 2 || (await page.getByRole('button', { name: 'Refresh' }).click(), false), { timeout: 15_000 }).toBe(true);
    const rejected = rows.filter({ hasText: 'bad_signature' });
    const ok = rows.filter({ hasText: 'accepted' });
    await rejected.getByTestId('outcome').getByText('rejected').waitFor();
    await rejected.getByText('401').waitFor();
    await ok.getByRole('link', { name: runId }).waitFor();
    await ok.getByRole('button', { name: 'View body' }).click();
    await page.getByTestId('payload').getByText(`canary-${tag}`).waitFor();
    await shot(page, 'logs-inbound');

    // Filter to the rejections, then export what the page shows.
    await page.getByLabel('Outcome').selectOption('rejected');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(`**/logs?view=inbound&connection=${hooked}&outcome=rejected`);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByLabel('Outcome').inputValue()).toBe('rejected');
    expect(await page.getByLabel('Connection').inputValue()).toBe(hooked);
    const csv = await download('Export CSV');
    expect(csv.name).toBe('inbound-log.csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('id,receivedAt,connectionId,topic,outcome,reason,detail,status,eventCount,runs,sizeBytes');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,${hooked},`);
    expect(lines[1]).toContain(',rejected,bad_signature,');
    const ndjson = await download('Export NDJSON');
    expect(ndjson.name).toBe('inbound-log.ndjson');
    const entries = ndjson.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toEqual([expect.objectContaining({ connectionId: hooked, outcome: 'rejected', reason: 'bad_signature', status: 401 })]);
  });

  it('shows an outgoing delivery with its attempt, redelivers it, and hides Redeliver from a read-only token', async () => {
    expect((await api('POST', '/api/v1/webhooks', { url: `${sink.url}/hook`, topics: ['connection.paused'] })).status).toBe(201);
    expect((await api('POST', `/api/v1/connections/${paused}/pause`, { reason: 'logs test' })).status).toBe(200);

    await page.goto(`/logs?view=outgoing&connection=${paused}`);
    const row = page.locator('tbody tr[data-testid^="outgoing-"]').filter({ hasText: 'connection.paused' });
    await expect
      .poll(async () => (await row.filter({ hasText: 'delivered' }).count()) || (await page.getByRole('button', { name: 'Refresh' }).click(), 0), { timeout: 20_000 })
      .toBe(1);
    await row.getByText('{"ok":true}').waitFor();
    await row.getByRole('button', { name: 'Attempts' }).click();
    await page.getByRole('table', { name: /Attempts of/ }).getByText('200').first().waitFor();
    await shot(page, 'logs-outgoing');
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByRole('status').getByText('queued again').waitFor();
    await expect.poll(() => sink.requests.length, { timeout: 15_000 }).toBe(2);
    expect(sink.requests[1]!.headers['webhook-id']).toBe(sink.requests[0]!.headers['webhook-id']);

    const readOnly = await signedInPage(browser, engine.api.url, reader);
    await readOnly.goto(`/logs?view=outgoing&connection=${paused}`);
    const seen = readOnly.locator('tbody tr[data-testid^="outgoing-"]').first();
    await seen.getByRole('button', { name: 'Attempts' }).waitFor();
    expect(await readOnly.getByRole('button', { name: 'Redeliver' }).count()).toBe(0);
    await readOnly.context().close();
  });

  it('shows the vendor calls of runs with their status, keeps a filter choice through Refresh, filters by connection and exports', async () => {
    const runOf = async (connection: string) => {
      const posted = await api('POST', '/api/v1/events', { topic: `post.${connection}`, id: `e-${connection}`, data: { source: 'logs test' } });
      return (posted.body as { runs: { runId: string }[] }).runs[0]!.runId;
    };
    const [sent, refused] = [await runOf(posting), await runOf(misrouted)];
    const rows = page.locator('tbody tr[data-testid^="vendor-"]');
    const listed = async (runId: string) => {
      const row = page.getByTestId(`vendor-${runId}.post`);
      await expect.poll(async () => (await row.count()) || (await page.getByRole('button', { name: 'Refresh' }).click(), 0), { timeout: 20_000 }).toBe(1);
      return row;
    };

    await page.goto(`/logs?view=vendor&connection=${posting}`);
    const ok = await listed(sent);
    await expect.poll(async () => (await ok.getByText('succeeded', { exact: true }).count()) || (await page.getByRole('button', { name: 'Refresh' }).click(), 0), { timeout: 20_000 }).toBe(1);
    await ok.getByText('slack.postMessage').waitFor();
    expect(slack.messages.map((m) => m.text)).toEqual(['Hello from logs test']);

    // A choice in the filter survives the list's Refresh (which reloads the connection choices too), then applies.
    const form = page.getByRole('form', { name: 'Filter vendor calls' });
    await form.getByLabel('Connection').selectOption(misrouted);
    // The form is busy from before the connections are asked for until they are shown: once the answer
    // has arrived, not busy means the page has re-rendered with them.
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/connections');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await answered;
    await page.locator('form[aria-label="Filter vendor calls"][aria-busy="false"]').waitFor();
    expect(await form.getByLabel('Connection').inputValue()).toBe(misrouted);
    await form.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(`**/logs?view=vendor&connection=${misrouted}`);
    const failed = await listed(refused);
    await expect.poll(async () => (await failed.getByText('failed', { exact: true }).count()) || (await page.getByRole('button', { name: 'Refresh' }).click(), 0), { timeout: 20_000 }).toBe(1);
    await failed.getByText('InvalidInput: Slack: channel_not_found').waitFor();
    expect(await rows.count()).toBe(1);
    expect(await form.getByLabel('Connection').inputValue()).toBe(misrouted);
    await shot(page, 'logs-vendor-calls');

    const csv = await download('Export CSV');
    expect(csv.name).toBe('vendor-calls.csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('runId,recipeId,connectionId,startedAt,closedAt,runStatus,stepId,action,status,attempts,errorKind,errorMessage');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^${refused},post-${misrouted},${misrouted},.*,failed,post,slack.postMessage,failed,1,InvalidInput,`));
    const ndjson = await download('Export NDJSON');
    expect(ndjson.name).toBe('vendor-calls.ndjson');
    const entries = ndjson.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toEqual([expect.objectContaining({ runId: refused, connectionId: misrouted, stepId: 'post', status: 'failed', error: expect.objectContaining({ kind: 'InvalidInput', message: 'Slack: channel_not_found' }) })]);
  });
});
