import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amplitude } from '../../connectors/amplitude';
import { googleAnalytics } from '../../connectors/google-analytics';
import { mixpanel } from '../../connectors/mixpanel';
import { fakeContext } from '../../connectors/sdk/fake-context';
import type { ConnectorDefinition } from '../../connectors/sdk/types';
import { AmplitudeFake } from '../../sandbox/amplitude-fake';
import { GoogleAnalyticsFake } from '../../sandbox/google-analytics-fake';
import { MixpanelFake } from '../../sandbox/mixpanel-fake';

/** The connections API's "test" for the analytics connectors: each `validate` against its fake. */
describe('analytics connection tests', () => {
  const fakes = { ga4: new GoogleAnalyticsFake(), mixpanel: new MixpanelFake(), amplitude: new AmplitudeFake() };
  beforeAll(() => Promise.all(Object.values(fakes).map((f) => f.start())));
  afterAll(() => Promise.all(Object.values(fakes).map((f) => f.close())));

  const check = <C>(connector: ConnectorDefinition<C>, credentials: unknown, baseUrl: string) =>
    connector.validate!(fakeContext({ connector, credentials: connector.auth.credentials.parse(credentials), baseUrl }));

  it('google-analytics: the validation server answers (GA4 never checks the secret) and nothing is recorded', async () => {
    await expect(check(googleAnalytics.definition, { measurementId: 'G-TEST123456', apiSecret: 'any' }, fakes.ga4.url)).resolves.toBeUndefined();
    expect(fakes.ga4.received('POST', '/debug/mp/collect')).toHaveLength(1);
    expect(fakes.ga4.hits).toEqual([]);
  });

  it('mixpanel: an empty strict import proves the service account and project; a wrong secret is auth_lost', async () => {
    const good = { username: 'switchyard.abc123.mp-service-account', password: 'sa-secret-1', projectId: '2195193', projectToken: 'proj-token-1' };
    await expect(check(mixpanel.definition, good, fakes.mixpanel.url)).resolves.toBeUndefined();
    expect(fakes.mixpanel.events).toEqual([]);
    await expect(check(mixpanel.definition, { ...good, password: 'wrong' }, fakes.mixpanel.url)).rejects.toMatchObject({ kind: 'auth_lost', status: 401 });
  });

  it("amplitude: an upload without events passes the key check; a deleted key is auth_lost and the message does not repeat it", async () => {
    await expect(check(amplitude.definition, { apiKey: 'amp-key-0123456789abcdef' }, fakes.amplitude.url)).resolves.toBeUndefined();
    expect(fakes.amplitude.events).toEqual([]);
    const err = await check(amplitude.definition, { apiKey: 'amp-key-deleted-000000' }, fakes.amplitude.url).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth_lost', status: 400, field: 'apiKey', message: '400 from Amplitude: Invalid API key (field apiKey)' });
  });
});
