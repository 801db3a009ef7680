import { describe, expect, it } from 'vitest';
import { jira } from '../../connectors/jira';
import { createIssue } from '../../connectors/jira/create-issue';
import { textToAdf } from '../../connectors/jira/adf';
import { subscriberHash } from '../../connectors/mailchimp/upsert-member';
import { mailchimpBaseUrl } from '../../connectors/mailchimp/auth';
import { slackVendor } from '../../connectors/slack/vendor';
import { fakeContext } from '../../connectors/sdk/fake-context';
import { JiraFake } from '../../sandbox/jira-fake';

describe('fakeContext and small connector helpers', () => {
  it('runs an action in one line against a fake', async () => {
    const fake = await new JiraFake().start();
    try {
      const credentials = { username: 'bot@example.com', password: 'jira-api-token', siteUrl: 'https://acme.atlassian.net' };
      const out = await createIssue.run(fakeContext({ connector: jira.definition, credentials, baseUrl: fake.url }), createIssue.input.parse({ project: 'SUP', summary: 'Hi' }));
      expect(out).toMatchObject({ key: 'SUP-1', url: 'https://acme.atlassian.net/browse/SUP-1' });
    } finally {
      await fake.close();
    }
  });

  it('converts plain text to ADF paragraphs with hard breaks', () => {
    expect(textToAdf('a\nb\n\n\nc')).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'c' }] },
      ],
    });
  });

  it('mailchimp: md5 of the lower-cased email; base URL from the key data center', () => {
    expect(subscriberHash('Ada@Example.COM')).toBe(subscriberHash('ada@example.com'));
    expect(subscriberHash('ada@example.com')).toMatch(/^[0-9a-f]{32}$/);
    expect(mailchimpBaseUrl({ apiKey: 'abc123-us6' })).toBe('https://us6.api.mailchimp.com/3.0');
  });

  it('slack: ok:false codes are classified as data', () => {
    const inspect = (body: unknown) => slackVendor.inspect!({ status: 200, headers: {}, body, text: '', url: '' });
    expect(inspect({ ok: true })).toBeUndefined();
    expect(inspect({ ok: false, error: 'invalid_auth' })).toMatchObject({ kind: 'auth_lost' });
    expect(inspect({ ok: false, error: 'token_revoked' })).toMatchObject({ kind: 'auth_lost' });
    expect(inspect({ ok: false, error: 'channel_not_found' })).toMatchObject({ kind: 'invalid_input', field: 'channel' });
    expect(inspect({ ok: false, error: 'ratelimited' })).toMatchObject({ kind: 'rate_limited' });
    expect(inspect({ ok: false, error: 'something_new' })).toMatchObject({ kind: 'fatal' });
  });
});
