import { expect, it } from 'vitest';
import { JiraFake } from '../../sandbox/jira-fake';
import { describeConnectorContract } from '../support/connector-contract';
import { jiraCredentials } from '../support/vendor-connections';

const step = (input: unknown) => ({ stepId: 'ticket', connectionId: 'jira-main', input });

describeConnectorContract({
  connector: 'jira',
  fake: () => new JiraFake(),
  resetFake: (fake) => fake.revoked.clear(),
  connections: (fake) => [
    {
      id: 'jira-main',
      connector: 'jira',
      credentials: jiraCredentials,
      baseUrl: fake.url,
    },
  ],
  actions: {
    'jira.createIssue': {
      call: step({ project: 'SUP', summary: 'x' }),
      endpoint: ['POST', '/rest/api/3/issue'],
      happyPath: {
        how: 'Basic auth, ADF description, returns id, key and browse url',
        call: step({ project: 'SUP', summary: 'Urgent: Where is my order?', description: 'Line 1\nLine 2\n\nPara 2', labels: ['intercom'] }),
        result: { key: 'SUP-1', url: 'https://acme.atlassian.net/browse/SUP-1' },
        request(req) {
          expect(req.headers.authorization).toBe(`Basic ${Buffer.from('bot@example.com:jira-api-token').toString('base64')}`);
          expect(req.body).toEqual({
            fields: {
              project: { key: 'SUP' },
              issuetype: { name: 'Task' },
              summary: 'Urgent: Where is my order?',
              labels: ['intercom', expect.stringMatching(/^switchyard-[0-9a-f]{32}$/)],
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
        },
      },
      retryable: { how: 'a 500' },
      rateLimited: { how: '429 Retry-After: 2', retryAfterSeconds: 2, nextRetryDelayMs: 2000 },
      authLost: {
        how: '401 with the vendor message',
        arrange: ({ fake }) => fake.revoked.add('jira-api-token'),
        message: /connection jira-main is disconnected \(401 from Jira/,
      },
      invalidInput: {
        how: '400 field errors name the field',
        call: step({ project: 'SUP', summary: 'x', issueType: 'Epic-ish' }),
        message: '400 from Jira: issuetype: Specify an issue type',
      },
      fatal: {
        how: 'a 403',
        arrange: ({ fake }) =>
          fake.fail({ kind: 'respond', response: { status: 403, json: { errorMessages: ['You do not have permission to create issues in this project.'], errors: {} } } }),
        message: /permission/,
      },
    },
  },
  specific(ctx) {
    it('adds a comment, and polls new issues with a JQL id cursor', async () => {
      const first = await ctx.call('pollTrigger', { trigger: 'jira.newIssues', connectionId: 'jira-main', input: { jql: 'project = OPS' }, cursor: null });
      expect(first).toMatchObject({ ok: true, result: { items: [] } });
      const cursor = (first as { result: { cursor: string } }).result.cursor;
      const created = await ctx.call('jira.createIssue', step({ project: 'OPS', summary: 'Disk full' }));
      expect(created.ok).toBe(true);
      expect(await ctx.call('jira.addComment', step({ issue: 'OPS-1', body: 'Looking' }))).toMatchObject({ ok: true, result: { id: expect.any(String) } });
      const next = await ctx.call('pollTrigger', { trigger: 'jira.newIssues', connectionId: 'jira-main', input: { jql: 'project = OPS' }, cursor });
      expect(next).toMatchObject({ ok: true, result: { items: [{ dedupeKey: expect.any(String), item: { key: 'OPS-1', fields: { summary: 'Disk full' } } }] } });
      const again = await ctx.call('pollTrigger', { trigger: 'jira.newIssues', connectionId: 'jira-main', input: { jql: 'project = OPS' }, cursor: (next as { result: { cursor: string } }).result.cursor });
      expect(again).toMatchObject({ ok: true, result: { items: [] } });
    });
  },
});
