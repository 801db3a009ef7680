import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { JiraFake } from '../fakes/jira-fake';
import { startContractHarness, type ContractHarness } from '../support/contract-harness';

describe('jira connector against its fake', () => {
  let fake: JiraFake;
  let h: ContractHarness;
  const step = (input: unknown) => ({ stepId: 'ticket', connectionId: 'jira-main', input });

  beforeAll(async () => {
    fake = await new JiraFake().start();
    h = await startContractHarness();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.revoked.clear();
    h.connections.add({
      id: 'jira-main',
      connector: 'jira',
      credentials: { username: 'bot@example.com', password: 'jira-api-token', siteUrl: 'https://acme.atlassian.net' },
      baseUrl: fake.url,
    });
  });

  it('creates an issue: Basic auth, ADF description, returns id, key and browse url', async () => {
    const res = await h.call('jira.createIssue', step({ project: 'SUP', summary: 'Urgent: Where is my order?', description: 'Line 1\nLine 2\n\nPara 2', labels: ['intercom'] }));
    expect(res).toMatchObject({ ok: true, result: { key: 'SUP-1', url: 'https://acme.atlassian.net/browse/SUP-1' } });
    const [req] = fake.received('POST', '/rest/api/3/issue');
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from('bot@example.com:jira-api-token').toString('base64')}`);
    expect(req!.body).toEqual({
      fields: {
        project: { key: 'SUP' },
        issuetype: { name: 'Task' },
        summary: 'Urgent: Where is my order?',
        labels: ['intercom'],
        description: {
          type: 'doc',
          version: 1,
          content: [
            { type: 'paragraph', content: [{ type: 'text', text: 'Line 1' }, { type: 'hardBreak' }, { type: 'text', text: 'Line 2' }] },
            { type: 'paragraph', content: [{ type: 'text', text: 'Para 2' }] },
          ],
        },
      },
    });
  });

  it('adds a comment, and polls new issues with a JQL id cursor', async () => {
    const first = await h.call('pollTrigger', { trigger: 'jira.newIssues', connectionId: 'jira-main', input: { jql: 'project = OPS' }, cursor: null });
    expect(first).toMatchObject({ ok: true, result: { items: [] } });
    const cursor = (first as { result: { cursor: string } }).result.cursor;
    const created = await h.call('jira.createIssue', step({ project: 'OPS', summary: 'Disk full' }));
    expect(created.ok).toBe(true);
    expect(await h.call('jira.addComment', step({ issue: 'OPS-1', body: 'Looking' }))).toMatchObject({ ok: true, result: { id: expect.any(String) } });
    const next = await h.call('pollTrigger', { trigger: 'jira.newIssues', connectionId: 'jira-main', input: { jql: 'project = OPS' }, cursor });
    expect(next).toMatchObject({ ok: true, result: { items: [{ dedupeKey: expect.any(String), item: { key: 'OPS-1', fields: { summary: 'Disk full' } } }] } });
    const again = await h.call('pollTrigger', { trigger: 'jira.newIssues', connectionId: 'jira-main', input: { jql: 'project = OPS' }, cursor: (next as { result: { cursor: string } }).result.cursor });
    expect(again).toMatchObject({ ok: true, result: { items: [] } });
  });

  it('retryable: a 500 is retried', async () => {
    fake.fail({ kind: 'server_error' });
    expect((await h.call('jira.createIssue', step({ project: 'SUP', summary: 'x' }))).ok).toBe(true);
    expect(fake.received('POST', '/rest/api/3/issue')).toHaveLength(2);
  });

  it('rate_limited: 429 Retry-After: 2 → next attempt ≥ 2 s later', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 2 });
    expect((await h.call('jira.createIssue', step({ project: 'SUP', summary: 'x' }))).ok).toBe(true);
    const [a, b] = fake.received('POST', '/rest/api/3/issue');
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(2000);
  });

  it('auth_lost: 401 → no retry, connection disconnected with the vendor message', async () => {
    fake.revoked.add('jira-api-token');
    const res = await h.call('jira.createIssue', step({ project: 'SUP', summary: 'x' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.authLost, nonRetryable: true, message: expect.stringContaining('connection jira-main is disconnected (401 from Jira') });
    expect(fake.requests).toHaveLength(1);
    expect(h.connections.byId.get('jira-main')!.status).toBe('disconnected');
  });

  it('invalid_input: 400 field errors → InvalidInput naming the field, no retry', async () => {
    const res = await h.call('jira.createIssue', step({ project: 'SUP', summary: 'x', issueType: 'Epic-ish' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.invalidInput, nonRetryable: true, message: '400 from Jira: issuetype: Specify an issue type' });
    expect(fake.requests).toHaveLength(1);
  });

  it('fatal: 403 → Fatal, no retry', async () => {
    fake.fail({ kind: 'respond', response: { status: 403, json: { errorMessages: ['You do not have permission to create issues in this project.'], errors: {} } } });
    const res = await h.call('jira.createIssue', step({ project: 'SUP', summary: 'x' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true, message: expect.stringContaining('permission') });
    expect(fake.requests).toHaveLength(1);
  });
});
