import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmplitudeFake } from '../../sandbox/amplitude-fake';
import { GoogleAnalyticsFake } from '../../sandbox/google-analytics-fake';
import { MixpanelFake } from '../../sandbox/mixpanel-fake';
import type { TestEngine } from '../support/engine';
import { recipesDir } from '../support/example-recipes';
import { resultOfOnlyRun, startRecipeScenario } from '../support/recipe-scenario';
import { postIntercomWebhook } from '../support/intercom-webhooks';
import { runResult } from '../support/temporal';

/**
 * The analytics example end to end on the real dev server: a signed Intercom `contact.user.created`
 * → ingress → runRecipe → amplitude.identifyUser, mixpanel.setUserProfile and
 * google-analytics.sendEvent against their fakes.
 */
describe('new-user-to-analytics recipe through ingress, with vendor fakes', () => {
  const secret = randomBytes(16).toString('hex');
  const amplitude = new AmplitudeFake();
  const mixpanel = new MixpanelFake();
  const ga4 = new GoogleAnalyticsFake();
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startRecipeScenario('e2e-analytics', { intercom: { clientSecret: secret }, amplitude, mixpanel, ga4 }, ['new-user-to-analytics']);
  });
  afterAll(() => engine?.stop());

  /** The fixture notification with a fresh delivery id (and optionally another contact). */
  const notification = (item: Record<string, unknown> = {}) => {
    const n = JSON.parse(readFileSync(path.join(recipesDir, 'fixtures/new-user-to-analytics.event.json'), 'utf8'));
    n.id = `notif_${randomUUID()}`;
    Object.assign(n.data.item, item);
    return JSON.stringify(n);
  };
  const post = (body: string) => postIntercomWebhook(engine.api.url, 'intercom-main', body, secret);

  it('identifies the new user in Amplitude, sets the Mixpanel profile and records one GA4 sign_up; a redelivery changes nothing', async () => {
    const body = notification();
    expect(await resultOfOnlyRun(engine, await post(body))).toMatchObject({ status: 'succeeded' });

    const [identify] = amplitude.received('POST', '/identify');
    expect(identify!.body).toEqual({
      api_key: 'amp-key-0123456789abcdef',
      identification: JSON.stringify([{ user_id: 'u-3107', user_properties: { email: 'grace.hopper@example.com', name: 'Grace Hopper', plan: 'team', intercom_contact_id: '6762f0b61bb69f9f2193bc01' } }]),
    });
    expect(amplitude.identities.get('u-3107')).toMatchObject({ plan: 'team' });
    expect(mixpanel.received('POST', '/engage')[0]!.body).toEqual([
      { $token: 'proj-token-1', $distinct_id: 'u-3107', $set: { $email: 'grace.hopper@example.com', $name: 'Grace Hopper', plan: 'team', intercom_contact_id: '6762f0b61bb69f9f2193bc01' }, $ignore_time: true },
    ]);
    expect(mixpanel.profiles.get('u-3107')).toMatchObject({ $email: 'grace.hopper@example.com' });
    expect(ga4.hits).toEqual([expect.objectContaining({ measurementId: 'G-TEST123456', userId: 'u-3107', events: [{ name: 'sign_up', params: { method: 'intercom', plan: 'team' } }] })]);

    const again = await post(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(amplitude.requests).toHaveLength(1);
    expect(mixpanel.requests).toHaveLength(1);
    expect(ga4.hits).toHaveLength(1);
  });

  it('an Amplitude outage is retried inside the run: one identification, the later steps still run', async () => {
    const before = { amplitude: amplitude.requests.length, hits: ga4.hits.length };
    amplitude.fail({ kind: 'server_error' });
    const res = await post(notification({ id: '6762f0b61bb69f9f2193bc02', external_id: 'u-3108', email: 'ada@example.com', name: 'Ada Lovelace' }));
    const { runs } = (await res.json()) as { runs: { runId: string }[] };
    expect(await runResult(engine.client, runs[0]!.runId)).toMatchObject({ status: 'succeeded' });
    expect(amplitude.requests.length - before.amplitude).toBe(2);
    expect(amplitude.identities.get('u-3108')).toMatchObject({ email: 'ada@example.com' });
    expect(ga4.hits.length - before.hits).toBe(1);
  });

  it('a contact without an external_id matches nothing and reaches no vendor', async () => {
    const before = amplitude.requests.length + mixpanel.requests.length + ga4.requests.length;
    const res = await post(notification({ external_id: null }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ matched: 0 });
    expect(amplitude.requests.length + mixpanel.requests.length + ga4.requests.length).toBe(before);
  });
});
