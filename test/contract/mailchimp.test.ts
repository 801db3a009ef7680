import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { MailchimpFake } from '../fakes/mailchimp-fake';
import { startContractHarness, type ContractHarness } from '../support/contract-harness';

describe('mailchimp connector against its fake', () => {
  let fake: MailchimpFake;
  let h: ContractHarness;
  const key = '0123456789abcdef0123456789abcdef-us6';
  const step = (input: unknown) => ({ stepId: 'sub', connectionId: 'mc-main', input });

  beforeAll(async () => {
    fake = await new MailchimpFake().start();
    h = await startContractHarness();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.members.clear();
    h.connections.add({ id: 'mc-main', connector: 'mailchimp', credentials: { apiKey: key }, baseUrl: `${fake.url}/3.0` });
  });

  it('upserts by md5(lowercase email) with Basic anystring:key; a second call updates the same member', async () => {
    const hash = createHash('md5').update('ada@example.com').digest('hex');
    const res = await h.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'Ada@Example.com', mergeFields: { FNAME: 'Ada' }, tags: ['vip'] }));
    expect(res).toMatchObject({ ok: true, result: { id: hash, status: 'subscribed', listId: 'a1b2c3d4e5' } });
    const [req] = fake.received('PUT', `/3.0/lists/a1b2c3d4e5/members/${hash}`);
    expect(Buffer.from(req!.headers.authorization!.slice(6), 'base64').toString()).toMatch(new RegExp(`^[^:]+:${key}$`));
    expect(req!.body).toEqual({ email_address: 'Ada@Example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Ada' }, tags: ['vip'] });
    await h.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'ada@example.com', mergeFields: { LNAME: 'Lovelace' } }));
    expect(fake.members.size).toBe(1);
    expect([...fake.members.values()][0]!.merge_fields).toEqual({ FNAME: 'Ada', LNAME: 'Lovelace' });
  });

  it('retryable: 500 is retried', async () => {
    fake.fail({ kind: 'server_error' });
    expect((await h.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'a@b.io' }))).ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
  });

  it('rate_limited: 429 without headers → RateLimited, retried with backoff', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 0 });
    expect((await h.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'a@b.io' }))).ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
  });

  it('auth_lost: 401 API Key Invalid → no retry, disconnected', async () => {
    h.connections.add({ id: 'mc-main', connector: 'mailchimp', credentials: { apiKey: 'ffffffffffffffffffffffffffffffff-us6' }, baseUrl: `${fake.url}/3.0` });
    const res = await h.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'a@b.io' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.authLost, nonRetryable: true, message: expect.stringContaining('API Key Invalid') });
    expect(fake.requests).toHaveLength(1);
  });

  it('invalid_input: 400 Invalid Resource → no retry, vendor message', async () => {
    const res = await h.call('mailchimp.upsertMember', step({ listId: 'a1b2c3d4e5', email: 'fake@example.com' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.invalidInput, nonRetryable: true, message: expect.stringContaining('looks fake or invalid') });
    expect(fake.requests).toHaveLength(1);
  });

  it('fatal: an unknown list (404) is not retried', async () => {
    const res = await h.call('mailchimp.upsertMember', step({ listId: 'nolist', email: 'a@b.io' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true, message: expect.stringContaining('Resource Not Found') });
    expect(fake.requests).toHaveLength(1);
  });
});
