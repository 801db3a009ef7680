import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyWebhookRecipe } from '../support/hooks';
import { runResult } from '../support/temporal';

/**
 * HubSpot's webhook source through the real `/hooks/<connection>` route: the v3 signature over
 * method, URL, body and timestamp (tampered body, stale timestamp, another URL, another secret are
 * refused), and a batched delivery becoming one run per matching event, deduped on redelivery.
 */
describe('hubspot webhooks through /hooks', () => {
  let engine: TestEngine;
  let fake: HubSpotFake;

  beforeAll(async () => {
    fake = await new HubSpotFake().start();
    engine = await startTestEngine('hubspot-hooks', {}, async (store) => {
      await store.connections.create({ id: 'hubspot-main', connector: 'hubspot', name: 'HubSpot', credentials: { accessToken: 'pat-na1-fake', clientSecret: fake.app.clientSecret }, baseUrl: fake.url });
      await applyWebhookRecipe(store, { id: 'hubspot-contact-changes', name: 'HubSpot contact changes', connection: 'hubspot-main', connector: 'hubspot', event: 'contact.propertyChange' });
    });
    fake.webhookUrl = `${engine.api.url}/hooks/hubspot-main`;
  });
  afterAll(async () => {
    await engine?.stop();
    await fake?.close();
  });

  // The answer names no header (it would tell an existing connection from an unknown one); the unit tests check each verifier's reason.
  const expect401 = async (res: Response, _header: string) => {
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } });
  };

  it('batched: one signed POST of three contact changes and a company change starts three runs; redelivered, none', async () => {
    const at = Date.now();
    const events = [
      fake.event('contact.propertyChange', '101', at, { propertyName: 'firstname', propertyValue: 'Ada' }),
      fake.event('contact.propertyChange', '101', at, { propertyName: 'lastname', propertyValue: 'Lovelace' }),
      fake.event('company.propertyChange', '102', at, { propertyName: 'name', propertyValue: 'Acme' }),
      fake.event('contact.propertyChange', '103', at, { propertyName: 'email', propertyValue: 'c@example.com' }),
    ];
    const res = await fake.deliver(events);
    expect(res.status).toBe(202);
    const { runs } = (await res.json()) as { runs: { runId: string }[] };
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(await runResult(engine.client, run.runId)).toMatchObject({ status: 'succeeded' });

    const retry = await fake.deliver(events.map((e) => ({ ...e, attemptNumber: 1 })));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ duplicate: true });
  });

  it('edit: a change made as a person in HubSpot arrives signed and starts a run per changed property', async () => {
    const [record] = fake.seed('contacts', 1, () => ({ properties: { email: 'edit@example.com' } }));
    expect(await fake.edit('contacts', record!.id, { firstname: 'Edited', phone: '5550100' })).toBe(202);
  });

  it('forged: a tampered body, a stale timestamp, another URL, another secret, no signature are 401', async () => {
    const events = [fake.event('contact.propertyChange', '104', Date.now(), { propertyName: 'firstname', propertyValue: 'Mallory' })];
    const tampered = JSON.stringify(events).replace('Mallory', 'Trudy');
    await expect401(await fake.deliver(events, { body: tampered }), 'X-HubSpot-Signature-v3');
    await expect401(await fake.deliver(events, { timestamp: Date.now() - 6 * 60_000 }), 'X-HubSpot-Request-Timestamp');
    await expect401(await fake.deliver(events, { signedUrl: `https://evil.example/hooks/hubspot-main` }), 'X-HubSpot-Signature-v3');
    await expect401(await fake.deliver(events, { signedUrl: `${fake.webhookUrl}?replay=1` }), 'X-HubSpot-Signature-v3');
    await expect401(await fake.deliver(events, { secret: 'another-app-secret' }), 'X-HubSpot-Signature-v3');
    const bare = await fetch(fake.webhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    await expect401(bare, 'X-HubSpot-Request-Timestamp');
  });

  it('a signed delivery that is not an array of events is a 400 naming what is wrong', async () => {
    const notArray = await fake.deliver([], { body: '{"eventId":1}' });
    expect(notArray.status).toBe(401); // the body was not what was signed
    const signedObject = await fake.deliver({ eventId: 1 } as unknown as unknown[]);
    expect(signedObject.status).toBe(400);
    expect(await signedObject.json()).toMatchObject({ error: { code: 'invalid_delivery', message: 'a HubSpot delivery must be a JSON array of events' } });
    const missing = await fake.deliver([{ eventId: 7 }]);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'invalid_delivery', message: 'event [0] needs an eventId and a string subscriptionType' } });
  });
});

describe('hubspot webhooks behind a proxy: PUBLIC_URL is the URL the signature covers', () => {
  let engine: TestEngine;
  let fake: HubSpotFake;

  beforeAll(async () => {
    fake = await new HubSpotFake().start();
    engine = await startTestEngine('hubspot-hooks-public', { PUBLIC_URL: 'https://switchyard.example.com/' }, async (store) => {
      await store.connections.create({ id: 'hubspot-main', connector: 'hubspot', name: 'HubSpot', credentials: { clientSecret: fake.app.clientSecret, accessToken: 'pat-na1-fake' } });
    });
    fake.webhookUrl = `${engine.api.url}/hooks/hubspot-main`;
  });
  afterAll(async () => {
    await engine?.stop();
    await fake?.close();
  });

  it('signed for https://switchyard.example.com/hooks/… it verifies; signed for the address it reached, it does not', async () => {
    const events = [fake.event('deal.propertyChange', '201', Date.now(), { propertyName: 'dealstage', propertyValue: 'closedwon' })];
    const viaProxy = await fake.deliver(events, { signedUrl: 'https://switchyard.example.com/hooks/hubspot-main' });
    expect(viaProxy.status).toBe(200);
    expect(await viaProxy.json()).toEqual({ matched: 0 });
    expect((await fake.deliver(events)).status).toBe(401);
  });
});
