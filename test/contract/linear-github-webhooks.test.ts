import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyWebhookRecipe } from '../support/hooks';
import { runStarted } from '../support/temporal';

/**
 * The Linear and GitHub webhook sources through the real `/hooks/<connection>` route: a valid
 * delivery starts its run, forged ones are 401 naming the header, a replayed one starts nothing.
 */
describe('Linear and GitHub webhook sources through /hooks', () => {
  const linearSecret = `lin_wh_${randomBytes(16).toString('hex')}`;
  const githubSecret = randomBytes(20).toString('hex');
  const suffix = randomUUID().slice(0, 8);
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine('support-hooks', {}, async (store) => {
      await store.connections.create({ id: 'linear-hooks', connector: 'linear', name: 'Linear', credentials: { webhookSecret: linearSecret } });
      await store.connections.create({ id: 'github-hooks', connector: 'github', name: 'GitHub', credentials: { webhookSecret: githubSecret } });
      await applyWebhookRecipe(store, { id: `linear-issue-${suffix}`, name: 'Linear issues', connection: 'linear-hooks', connector: 'linear', event: 'Issue.create' });
      await applyWebhookRecipe(store, { id: `github-issue-${suffix}`, name: 'GitHub issues', connection: 'github-hooks', connector: 'github', event: 'issues.opened' });
    });
  });
  afterAll(() => engine?.stop());

  const post = (connection: string, body: string, headers: Record<string, string>) =>
    fetch(`${engine.api.url}/hooks/${connection}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const hex = (key: string, body: string) => createHmac('sha256', key).update(body).digest('hex');
  type Answer = { matched?: number; runs?: { runId: string; duplicate: boolean }[]; duplicate?: boolean; error?: { code: string; message: string; details?: { header?: string } } };
  const answer = async (res: Response) => ({ status: res.status, body: (await res.json()) as Answer });

  describe('linear', () => {
    const webhookId = randomUUID();
    const organizationId = randomUUID();
    /** One event (an action on an issue at one time) as Linear's webhook sends it at `webhookTimestamp`. */
    const event = () => ({ createdAt: new Date().toISOString(), issueId: randomUUID() });
    const delivery = (action = 'create', webhookTimestamp = Date.now(), of = event()) =>
      JSON.stringify({ action, type: 'Issue', createdAt: of.createdAt, data: { id: of.issueId, identifier: 'SUP-1', title: 'Checkout fails' }, url: 'https://linear.app/acme/issue/SUP-1', webhookTimestamp, webhookId, organizationId });
    const headers = (body: string, id = randomUUID(), key = linearSecret) => ({ 'linear-signature': hex(key, body), 'linear-delivery': id, 'linear-event': 'Issue' });

    it('valid: a signed Issue.create starts its run; Issue.update matches nothing', async () => {
      const body = delivery();
      const ok = await answer(await post('linear-hooks', body, headers(body)));
      expect(ok).toMatchObject({ status: 202, body: { matched: 1, runs: [{ duplicate: false }] } });
      const described = await runStarted(engine.client, ok.body.runs![0]!.runId);
      expect(described.type).toBe('runRecipe');
      const update = delivery('update');
      expect(await answer(await post('linear-hooks', update, headers(update)))).toEqual({ status: 200, body: { matched: 0 } });
    });

    it('forged: wrong secret, tampered body, missing or non-hex signature → 401 naming Linear-Signature', async () => {
      const body = delivery();
      const forged: Record<string, string>[] = [
        headers(body, randomUUID(), 'not-the-secret'),
        headers(body.replace('Checkout fails', 'Checkout works')),
        { 'linear-delivery': randomUUID() },
        { 'linear-signature': 'zz'.repeat(32), 'linear-delivery': randomUUID() },
        { 'linear-signature': `sha256=${hex(linearSecret, body)}`, 'linear-delivery': randomUUID() },
      ];
      for (const h of forged) {
        const res = await answer(await post('linear-hooks', body, h));
        expect(res).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
      }
    });

    it('replayed: the same delivery again is a duplicate; a correctly signed old one is refused by webhookTimestamp', async () => {
      const body = delivery();
      const h = headers(body);
      expect((await answer(await post('linear-hooks', body, h))).status).toBe(202);
      expect(await answer(await post('linear-hooks', body, h))).toEqual({ status: 200, body: { duplicate: true } });
      // Linear signs no header: the same signed body under another Linear-Delivery is the same delivery.
      expect(await answer(await post('linear-hooks', body, headers(body, randomUUID())))).toEqual({ status: 200, body: { duplicate: true } });
      const old = delivery('create', Date.now() - 120_000);
      const stale = await answer(await post('linear-hooks', old, headers(old)));
      expect(stale).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    });

    it("Linear's retry of an event (a fresh webhookTimestamp, signed again) is a duplicate; another event on the same issue is not", async () => {
      const created = event();
      const first = delivery('create', Date.now() - 5_000, created);
      expect((await answer(await post('linear-hooks', first, headers(first)))).status).toBe(202);
      const retry = delivery('create', Date.now(), created);
      expect(await answer(await post('linear-hooks', retry, headers(retry)))).toEqual({ status: 200, body: { duplicate: true } });
      const later = delivery('create', Date.now(), { createdAt: new Date(Date.parse(created.createdAt) + 1).toISOString(), issueId: created.issueId });
      expect((await answer(await post('linear-hooks', later, headers(later)))).status).toBe(202);
    });
  });

  describe('github', () => {
    const issues = (action: string) => JSON.stringify({ action, issue: { number: 1347, title: 'Checkout fails', html_url: 'https://github.com/acme/app/issues/1347' }, repository: { full_name: 'acme/app' }, sender: { login: 'octocat' } });
    const headers = (event: string, body: string, id = randomUUID(), key = githubSecret) => ({ 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${hex(key, body)}` });

    it('valid: issues + opened is topic issues.opened and starts its run; the ping starts nothing', async () => {
      const body = issues('opened');
      expect(await answer(await post('github-hooks', body, headers('issues', body)))).toMatchObject({ status: 202, body: { matched: 1, runs: [{ duplicate: false }] } });
      const closed = issues('closed');
      expect(await answer(await post('github-hooks', closed, headers('issues', closed)))).toEqual({ status: 200, body: { matched: 0 } });
      const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
      const pinged = await post('github-hooks', ping, headers('ping', ping));
      expect(pinged.status).toBeLessThan(300);
    });

    it('forged: wrong secret, tampered body, sha1 or missing signature → 401', async () => {
      const body = issues('opened');
      const forged: Record<string, string>[] = [
        headers('issues', body, randomUUID(), 'wrong'),
        headers('issues', body.replace('1347', '1348')),
        { 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha1=${createHmac('sha1', githubSecret).update(body).digest('hex')}` },
        { 'x-github-event': 'issues', 'x-github-delivery': randomUUID() },
      ];
      for (const h of forged) {
        expect(await answer(await post('github-hooks', body, h))).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
      }
    });

    it('replayed: a redelivery starts nothing, nor does the captured body under a new X-GitHub-Delivery (unsigned); no X-GitHub-Event is a 400', async () => {
      const body = issues('opened').replace('1347', '1400');
      const h = headers('issues', body);
      expect((await answer(await post('github-hooks', body, h))).status).toBe(202);
      expect(await answer(await post('github-hooks', body, h))).toEqual({ status: 200, body: { duplicate: true } });
      expect(await answer(await post('github-hooks', body, headers('issues', body, randomUUID())))).toEqual({ status: 200, body: { duplicate: true } });
      const { 'x-github-event': _event, ...noEvent } = headers('issues', body);
      expect(await answer(await post('github-hooks', body, noEvent))).toMatchObject({ status: 400, body: { error: { code: 'invalid_delivery', message: expect.stringContaining('X-GitHub-Event') } } });
    });
  });
});
