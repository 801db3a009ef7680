import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { TeamsFake } from '../fakes/teams-fake';
import { startContractHarness, type ContractHarness } from '../support/contract-harness';

describe('teams connector against its fake', () => {
  let fake: TeamsFake;
  let h: ContractHarness;
  const step = (input: unknown, connectionId = 'teams-wf') => ({ stepId: 'notify', connectionId, input });

  beforeAll(async () => {
    fake = await new TeamsFake().start();
    h = await startContractHarness();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.posted.length = 0;
    h.connections.add({ id: 'teams-wf', connector: 'teams', credentials: { webhookUrl: `${fake.url}${fake.workflowPath}?api-version=2016-06-01&sig=${fake.sig}` } });
    h.connections.add({ id: 'teams-legacy', connector: 'teams', credentials: { webhookUrl: `${fake.url}${fake.legacyPath}` } });
  });

  it('Workflows: posts the adaptive-card envelope to the secret URL and treats 202 as accepted', async () => {
    const res = await h.call('teams.postMessage', step({ title: 'Urgent', text: 'SUP-1 created' }));
    expect(res).toMatchObject({ ok: true, result: { status: 202, accepted: true } });
    const [req] = fake.received('POST', fake.workflowPath);
    expect(req!.query.get('sig')).toBe(fake.sig);
    expect(req!.body).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', body: [{ text: 'Urgent' }, { text: 'SUP-1 created' }] } }] });
  });

  it('legacy connector: MessageCard with summary, answered 200 "1"', async () => {
    const res = await h.call('teams.postMessage', step({ text: 'hello', format: 'messageCard' }, 'teams-legacy'));
    expect(res).toMatchObject({ ok: true, result: { status: 200, accepted: true } });
    expect(fake.posted[0]).toMatchObject({ '@type': 'MessageCard', summary: 'hello', text: 'hello' });
  });

  it('retryable: 500 is retried', async () => {
    fake.fail({ kind: 'server_error' });
    expect((await h.call('teams.postMessage', step({ text: 'x' }))).ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
  });

  it('rate_limited: a 200 whose body reports HTTP 429 is a rate limit, retried', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 0 });
    expect((await h.call('teams.postMessage', step({ text: 'x', format: 'messageCard' }, 'teams-legacy'))).ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
    expect(fake.posted).toHaveLength(1);
  });

  it('auth_lost: a wrong sig → 401 → no retry, disconnected', async () => {
    h.connections.add({ id: 'teams-wf', connector: 'teams', credentials: { webhookUrl: `${fake.url}${fake.workflowPath}?sig=wrong` } });
    const res = await h.call('teams.postMessage', step({ text: 'x' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.authLost, nonRetryable: true, message: expect.stringContaining('Shared Access') });
    expect(h.connections.byId.get('teams-wf')!.status).toBe('disconnected');
  });

  it('invalid_input: the legacy connector rejects an adaptive-card envelope (400 text)', async () => {
    const res = await h.call('teams.postMessage', step({ text: 'x' }, 'teams-legacy'));
    expect(res).toMatchObject({ ok: false, type: FailureType.invalidInput, nonRetryable: true, message: '400 from Microsoft Teams: Summary or Text is required.' });
    expect(fake.requests).toHaveLength(1);
  });

  it('fatal: an unknown webhook (404) is not retried', async () => {
    h.connections.add({ id: 'teams-legacy', connector: 'teams', credentials: { webhookUrl: `${fake.url}/webhookb2/gone` } });
    const res = await h.call('teams.postMessage', step({ text: 'x', format: 'messageCard' }, 'teams-legacy'));
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true });
    expect(fake.requests).toHaveLength(1);
  });
});
