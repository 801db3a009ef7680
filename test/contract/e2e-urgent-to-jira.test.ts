import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraFake } from '../fakes/jira-fake';
import { SlackFake } from '../fakes/slack-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyExampleRecipe } from '../support/example-recipes';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { runResult } from '../support/temporal';

/**
 * The example recipe end to end on the real dev server, with the connectors against their fakes:
 * signed Intercom `conversation_part.tag.created` (tag urgent) → ingress → runRecipe →
 * jira.createIssue → slack.postMessage with the Jira key.
 */
describe('urgent-to-jira recipe through ingress, with vendor fakes', () => {
  const secret = randomBytes(16).toString('hex');
  let engine: TestEngine;
  let jira: JiraFake;
  let slack: SlackFake;

  beforeAll(async () => {
    jira = await new JiraFake().start();
    slack = await new SlackFake().start();
    engine = await startTestEngine('e2e', {}, async (store) => {
      await store.connections.create({ id: 'intercom-main', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
      await store.connections.create({
        id: 'jira-main',
        connector: 'jira',
        name: 'Jira',
        credentials: { username: 'bot@example.com', password: 'jira-api-token', siteUrl: 'https://acme.atlassian.net' },
        baseUrl: jira.url,
      });
      await store.connections.create({ id: 'slack-main', connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: slack.url });
      await applyExampleRecipe(store, 'urgent-to-jira');
    });
  });

  afterAll(async () => {
    await engine?.stop();
    await jira?.close();
    await slack?.close();
  });

  const notification = (tag: string) =>
    intercomNotification('conversation_part.tag.created', {
      type: 'conversation',
      id: '147',
      source: { subject: 'Where is my order?', author: { type: 'user', email: 'ada@example.com' } },
      tags_added: { type: 'tag.list', tags: [{ type: 'tag', id: '1', name: tag }] },
    });
  const post = (body: string, key = secret) => postIntercomWebhook(engine.api.url, 'intercom-main', body, key);

  it('creates exactly one Jira issue and posts its key to Slack', async () => {
    const res = await post(notification('urgent'));
    expect(res.status).toBe(202);
    const { runs } = (await res.json()) as { runs: { runId: string }[] };
    expect(runs).toHaveLength(1);
    const result = (await runResult<{ status: string }>(engine.client, runs[0]!.runId));
    expect(result.status).toBe('succeeded');
    const creates = jira.received('POST', '/rest/api/3/issue');
    expect(creates).toHaveLength(1);
    expect((creates[0]!.body as { fields: { summary: string; labels: string[] } }).fields).toMatchObject({ summary: 'Urgent: Where is my order?', labels: ['intercom', 'urgent', expect.stringMatching(/^switchyard-[0-9a-f]{32}$/)] });
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
