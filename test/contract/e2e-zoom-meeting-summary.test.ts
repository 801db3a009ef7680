import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZoom } from '../../connectors/sdk/signatures/zoom-signature';
import type { TestEngine } from '../support/engine';
import { resultOfOnlyRun, startRecipeScenario } from '../support/recipe-scenario';
import { SlackFake } from '../../sandbox/slack-fake';

/**
 * Zoom's webhook source through the real `/hooks/<connection>` route (signature, ±5 min window,
 * dedupe, the URL validation handshake), and the zoom-meeting-summary-to-slack example end to end
 * on the dev server: signed meeting.ended → runRecipe → slack.postMessage against the Slack fake.
 */
describe('zoom webhooks and the meeting summary recipe, end to end', () => {
  const secretToken = randomBytes(16).toString('hex');
  const slack = new SlackFake();
  let engine: TestEngine;

  beforeAll(async () => {
    slack.channels.set('C0CALLS', 'support-calls');
    engine = await startRecipeScenario('zoom-e2e', { zoom: { webhookSecretToken: secretToken }, slack }, ['zoom-meeting-summary-to-slack']);
  });
  afterAll(() => engine?.stop());

  const fixture = readFileSync(path.join(__dirname, '../../recipes/fixtures/zoom-meeting-summary-to-slack.event.json'), 'utf8');
  const now = () => Math.floor(Date.now() / 1000);
  const post = (body: string, headers: Record<string, string>) => fetch(`${engine.api.url}/hooks/zoom-main`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const signed = (body: string, ts = now(), secret = secretToken) => post(body, { 'x-zm-request-timestamp': String(ts), 'x-zm-signature': signZoom(secret, ts, body) });

  it('valid: a signed meeting.ended runs the recipe and posts the summary to Slack', async () => {
    expect(await resultOfOnlyRun(engine, await signed(fixture))).toMatchObject({ status: 'succeeded' });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.text).toBe('Call ended: Onboarding: Acme (32 min, 15:00–15:32 UTC), meeting 85746065432');
  });

  it('replayed: the same event redelivered (new timestamp, re-signed) starts nothing', async () => {
    const res = await signed(fixture, now() + 1);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ duplicate: true });
    expect(slack.messages).toHaveLength(1);
  });

  it('forged: a wrong secret, a changed body, a stale or missing timestamp are 401, and start nothing', async () => {
    const before = slack.requests.length;
    // The answer names no header (it would tell an existing connection from an unknown one); the unit tests check each verifier's reason.
    const expect401 = async (res: Response, _header: string) => {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    };
    const other = fixture.replace('Onboarding: Acme', 'Onboarding: Evil');
    await expect401(await signed(other, now(), randomBytes(16).toString('hex')), 'x-zm-signature');
    const ts = now();
    await expect401(await post(other, { 'x-zm-request-timestamp': String(ts), 'x-zm-signature': signZoom(secretToken, ts, fixture) }), 'x-zm-signature');
    await expect401(await signed(other, now() - 6 * 60), 'x-zm-request-timestamp');
    await expect401(await signed(other, now() + 6 * 60), 'x-zm-request-timestamp');
    await expect401(await post(other, { 'x-zm-signature': signZoom(secretToken, ts, other) }), 'x-zm-request-timestamp');
    expect(slack.requests.length).toBe(before);
  });

  it('challenge: a signed endpoint.url_validation is answered with plainToken and its HMAC; nothing runs', async () => {
    const body = JSON.stringify({ payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: Date.now(), event: 'endpoint.url_validation' });
    const res = await signed(body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', secretToken).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') });
    expect(slack.messages).toHaveLength(1);
  });

  it('challenge: an unsigned validation gets no HMAC (no signing oracle); one without plainToken is a 400', async () => {
    const body = JSON.stringify({ payload: { plainToken: `v0:${now()}:{"event":"meeting.ended"}` }, event_ts: Date.now(), event: 'endpoint.url_validation' });
    const unsigned = await post(body, {});
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(await unsigned.json())).not.toContain('encryptedToken');
    const empty = await signed(JSON.stringify({ payload: {}, event: 'endpoint.url_validation' }));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'invalid_delivery', message: 'endpoint.url_validation needs a string payload.plainToken' } });
  });

  it('a GET to a Zoom hook is 405: Zoom has no GET handshake', async () => {
    const res = await fetch(`${engine.api.url}/hooks/zoom-main?challenge=abc`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
