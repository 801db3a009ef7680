import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { parseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { compileRecipe } from '../../src/recipe/compile';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { startWorker, type WorkerHandle } from '../../src/runtime/worker';
import type { Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { JiraFake } from '../fakes/jira-fake';
import { SlackFake } from '../fakes/slack-fake';

/**
 * The example recipe end to end on the real dev server, with the connectors against their fakes:
 * signed Intercom `conversation_part.tag.created` (tag urgent) → ingress → runRecipe →
 * jira.createIssue → slack.postMessage with the Jira key.
 */
describe('urgent-to-jira recipe through ingress, with vendor fakes', () => {
  const secret = randomBytes(16).toString('hex');
  let store: Store;
  let worker: WorkerHandle;
  let client: Client;
  let api: ApiHandle;
  let jira: JiraFake;
  let slack: SlackFake;

  beforeAll(async () => {
    jira = await new JiraFake().start();
    slack = await new SlackFake().start();
    const config = parseConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `e2e-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-e2e-')),
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger(config.LOG_LEVEL);
    store = await openConfiguredStore(config);
    await store.connections.create({ id: 'intercom-main', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
    await store.connections.create({
      id: 'jira-main',
      connector: 'jira',
      name: 'Jira',
      credentials: { username: 'bot@example.com', password: 'jira-api-token', siteUrl: 'https://acme.atlassian.net' },
      baseUrl: jira.url,
    });
    await store.connections.create({ id: 'slack-main', connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: slack.url });
    const recipe = JSON.parse(readFileSync(path.join(__dirname, '../../recipes/urgent-to-jira.json'), 'utf8')) as Record<string, unknown>;
    delete recipe.$schema;
    const compiled = compileRecipe(recipe, {
      actions: actionCatalog,
      connections: new Map([
        ['intercom-main', 'intercom'],
        ['jira-main', 'jira'],
        ['slack-main', 'slack'],
      ]),
    });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    const target = temporalTarget(config);
    worker = await startWorker({ config, logger, store, target });
    client = await connectClient(target);
    api = await startApi({ config, logger, store, client });
  });

  afterAll(async () => {
    await api?.close();
    await worker?.shutdown();
    await client?.connection.close();
    await store?.close();
    await jira?.close();
    await slack?.close();
  });

  const notification = (tag: string) =>
    JSON.stringify({
      type: 'notification_event',
      id: `notif_${randomUUID()}`,
      topic: 'conversation_part.tag.created',
      app_id: 'a86dr8yl',
      created_at: 1764230400,
      data: {
        type: 'notification_event_data',
        item: {
          type: 'conversation',
          id: '147',
          source: { subject: 'Where is my order?', author: { type: 'user', email: 'ada@example.com' } },
          tags_added: { type: 'tag.list', tags: [{ type: 'tag', id: '1', name: tag }] },
        },
      },
    });
  const post = (body: string, key = secret) =>
    fetch(`${api.url}/hooks/intercom-main`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${createHmac('sha1', key).update(body).digest('hex')}` },
      body,
    });

  it('creates exactly one Jira issue and posts its key to Slack', async () => {
    const res = await post(notification('urgent'));
    expect(res.status).toBe(202);
    const { runs } = (await res.json()) as { runs: { runId: string }[] };
    expect(runs).toHaveLength(1);
    const result = (await client.workflow.getHandle(runs[0]!.runId).result()) as { status: string };
    expect(result.status).toBe('succeeded');
    const creates = jira.received('POST', '/rest/api/3/issue');
    expect(creates).toHaveLength(1);
    expect((creates[0]!.body as { fields: { summary: string; labels: string[] } }).fields).toMatchObject({ summary: 'Urgent: Where is my order?', labels: ['intercom', 'urgent'] });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.text).toContain('SUP-1');
  });

  it('a bad signature starts nothing; another tag matches no recipe', async () => {
    const before = jira.requests.length;
    expect((await post(notification('urgent'), 'wrong-secret')).status).toBe(401);
    const other = await post(notification('billing'));
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ matched: 0 });
    expect(jira.requests.length).toBe(before);
  });
});
