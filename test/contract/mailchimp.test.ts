import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { MailchimpFake } from '../../sandbox/mailchimp-fake';
import { describeConnectorContract } from '../support/connector-contract';

const key = '0123456789abcdef0123456789abcdef-us6';
const step = (input: unknown) => ({ stepId: 'sub', connectionId: 'mc-main', input });

describeConnectorContract({
  connector: 'mailchimp',
  fake: () => new MailchimpFake(),
  resetFake: (fake) => fake.members.clear(),
  connections: (fake) => [{ id: 'mc-main', connector: 'mailchimp', credentials: { apiKey: key }, baseUrl: `${fake.url}/3.0` }],
  actions: {
    'mailchimp.upsertMember': {
      call: step({ listId: 'a1b2c3d4e5', email: 'a@b.io' }),
      happyPath: {
        how: 'upserts by md5(lowercase email) with Basic anystring:key',
        call: step({ listId: 'a1b2c3d4e5', email: 'Ada@Example.com', mergeFields: { FNAME: 'Ada' }, tags: ['vip'] }),
        result: { id: md5('ada@example.com'), status: 'subscribed', listId: 'a1b2c3d4e5' },
        request(req) {
          expect(req.method).toBe('PUT');
          expect(req.path).toBe(`/3.0/lists/a1b2c3d4e5/members/${md5('ada@example.com')}`);
          expect(Buffer.from(req.headers.authorization!.slice(6), 'base64').toString()).toMatch(new RegExp(`^[^:]+:${key}$`));
          expect(req.body).toEqual({ email_address: 'Ada@Example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Ada' }, tags: ['vip'] });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited: { how: '429 without headers, retried with backoff', retryAfterSeconds: 0, nextRetryDelayMs: null },
      authLost: {
        how: '401 API Key Invalid',
        arrange: ({ connections, fake }) =>
          connections.add({ id: 'mc-main', connector: 'mailchimp', credentials: { apiKey: 'ffffffffffffffffffffffffffffffff-us6' }, baseUrl: `${fake.url}/3.0` }),
        message: /API Key Invalid/,
      },
      invalidInput: {
        how: '400 Invalid Resource, with the vendor message',
        call: step({ listId: 'a1b2c3d4e5', email: 'fake@example.com' }),
        message: /looks fake or invalid/,
      },
      fatal: {
        how: 'an unknown list (404)',
        call: step({ listId: 'nolist', email: 'a@b.io' }),
        message: /Resource Not Found/,
      },
    },
  },
  specific(ctx) {
    it('a second upsert of the same address (any case) updates the same member', async () => {
      await ctx.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'Ada@Example.com', mergeFields: { FNAME: 'Ada' } }));
      expect(await ctx.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'ada@example.com', mergeFields: { LNAME: 'Lovelace' } }))).toMatchObject({ ok: true });
      expect(ctx.fake.members.size).toBe(1);
      expect([...ctx.fake.members.values()][0]!.merge_fields).toEqual({ FNAME: 'Ada', LNAME: 'Lovelace' });
    });
  },
});

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}
