import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyWebhookRecipe } from '../support/hooks';

/** Dropbox's webhook source through the real `/hooks/<connection>` route: the GET challenge, signature, dedupe by body. */
describe('dropbox webhooks through /hooks', () => {
  const appSecret = randomBytes(16).toString('hex');
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine('dropbox-hooks', {}, async (store) => {
      await store.connections.create({ id: 'dropbox-main', connector: 'dropbox', name: 'Dropbox', credentials: { accessToken: 'sl.token', clientId: 'dbx-app-key', clientSecret: appSecret } });
      await applyWebhookRecipe(store, { id: 'dropbox-changes', name: 'Dropbox changes', connection: 'dropbox-main', connector: 'dropbox', event: 'list_folder' });
    });
  });
  afterAll(() => engine?.stop());

  const hook = `/hooks/dropbox-main`;
  const notification = () => JSON.stringify({ list_folder: { accounts: [`dbid:${randomBytes(8).toString('hex')}`] }, delta: { users: [12345678] } });
  const sign = (body: string, key = appSecret) => createHmac('sha256', key).update(body).digest('hex');
  const post = (body: string, headers: Record<string, string>) => fetch(`${engine.api.url}${hook}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('challenge: GET ?challenge= is echoed as text/plain with nosniff; a GET without one is a 400', async () => {
    const res = await fetch(`${engine.api.url}${hook}?challenge=${encodeURIComponent('<script>x</script>')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('<script>x</script>');
    const bare = await fetch(`${engine.api.url}${hook}`);
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({ error: { code: 'not_a_challenge' } });
  });

  it('valid: a signed notification starts a run; replayed: the same body again starts nothing', async () => {
    const body = notification();
    const res = await post(body, { 'x-dropbox-signature': sign(body) });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { runs: unknown[] }).runs).toHaveLength(1);
    const again = await post(body, { 'x-dropbox-signature': sign(body) });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
  });

  it('forged: a wrong secret, another body, a missing or sha256=-prefixed signature are 401', async () => {
    const body = notification();
    const forgeries: Record<string, string>[] = [{ 'x-dropbox-signature': sign(body, 'other-secret') }, { 'x-dropbox-signature': sign(notification()) }, {}, { 'x-dropbox-signature': `sha256=${sign(body)}` }];
    for (const headers of forgeries) {
      const res = await post(body, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    }
  });

  it('a verified body of the wrong shape is a 400 naming what is missing', async () => {
    const body = JSON.stringify({ delta: { users: [1] } });
    const res = await post(body, { 'x-dropbox-signature': sign(body) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_delivery', message: expect.stringContaining('list_folder.accounts') } });
  });
});
