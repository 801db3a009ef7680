import type { NewConnection } from '../../src/store/connections';
import type { Store } from '../../src/store/store';
import type { AmplitudeFake } from '../../sandbox/amplitude-fake';
import type { GoogleAnalyticsFake } from '../../sandbox/google-analytics-fake';
import type { GoogleSheetsFake } from '../../sandbox/google-sheets-fake';
import type { HubSpotFake } from '../../sandbox/hubspot-fake';
import type { IntercomFake } from '../../sandbox/intercom-fake';
import type { JiraFake } from '../../sandbox/jira-fake';
import type { LinearFake } from '../../sandbox/linear-fake';
import type { MixpanelFake } from '../../sandbox/mixpanel-fake';
import type { PipedriveFake } from '../../sandbox/pipedrive-fake';
import type { SalesforceFake } from '../../sandbox/salesforce-fake';
import type { SlackFake } from '../../sandbox/slack-fake';

/** The Jira fake's bot account (`JiraFake.users`) on the site its issue links name. */
export const jiraCredentials = { username: 'bot@example.com', password: 'jira-api-token', siteUrl: 'https://acme.atlassian.net' };

/**
 * How a test reaches each vendor: the connection `<vendor>-main` with the credentials its fake
 * accepts (a webhook-only connection names just its signing secret). One row per vendor, so a
 * test says which vendors it uses, not how to connect them.
 */
const vendorConnection = {
  jira: (fake: JiraFake): NewConnection => ({ id: 'jira-main', connector: 'jira', name: 'Jira', credentials: jiraCredentials, baseUrl: fake.url }),
  slack: (fake: SlackFake): NewConnection => ({ id: 'slack-main', connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: fake.url }),
  sheets: (fake: GoogleSheetsFake): NewConnection => ({
    id: 'sheets-main',
    connector: 'google-sheets',
    name: 'Sheets',
    credentials: { accessToken: 'ya29.valid', refreshToken: '1//refresh', tokenUrl: `${fake.url}/token`, clientId: 'cid', clientSecret: 'csecret' },
    baseUrl: `${fake.url}/v4`,
  }),
  /** The REST API through the fake, webhooks signed with `clientSecret`; either may be left out. */
  intercom: ({ fake, clientSecret }: { fake?: IntercomFake; clientSecret?: string }): NewConnection => ({
    id: 'intercom-main',
    connector: 'intercom',
    name: 'Intercom',
    credentials: { ...(fake ? { accessToken: 'intercom-token' } : {}), ...(clientSecret ? { clientSecret } : {}) },
    baseUrl: fake?.url,
  }),
  /** The private-app token the fake accepts; webhooks signed v3 with the fake app's client secret. */
  hubspot: (fake: HubSpotFake): NewConnection => ({ id: 'hubspot-main', connector: 'hubspot', name: 'HubSpot', credentials: { accessToken: 'pat-na1-fake', clientSecret: fake.app.clientSecret }, baseUrl: fake.url }),
  salesforce: (fake: SalesforceFake): NewConnection => ({
    id: 'salesforce-main',
    connector: 'salesforce',
    name: 'Salesforce',
    credentials: { accessToken: '00Dsf!valid', refreshToken: 'sf-refresh', clientId: fake.app.clientId, clientSecret: fake.app.clientSecret, tokenUrl: fake.tokenUrl, instanceUrl: fake.instanceUrl },
  }),
  /** The API token, and the Basic credentials Pipedrive's webhooks carry (`webhookPassword`). */
  pipedrive: ({ fake, webhookPassword }: { fake: PipedriveFake; webhookPassword: string }): NewConnection => ({
    id: 'pipedrive-main',
    connector: 'pipedrive',
    name: 'Pipedrive',
    credentials: { apiToken: 'pd-api-token', companyDomain: 'acme', webhookUser: 'switchyard', webhookPassword },
    baseUrl: fake.url,
  }),
  amplitude: (fake: AmplitudeFake): NewConnection => ({ id: 'amplitude-main', connector: 'amplitude', name: 'Amplitude', credentials: { apiKey: 'amp-key-0123456789abcdef' }, baseUrl: fake.url }),
  mixpanel: (fake: MixpanelFake): NewConnection => ({
    id: 'mixpanel-main',
    connector: 'mixpanel',
    name: 'Mixpanel',
    credentials: { username: 'switchyard.abc123.mp-service-account', password: 'sa-secret-1', projectId: '2195193', projectToken: 'proj-token-1' },
    baseUrl: fake.url,
  }),
  ga4: (fake: GoogleAnalyticsFake): NewConnection => ({ id: 'ga4-main', connector: 'google-analytics', name: 'GA4', credentials: { measurementId: 'G-TEST123456', apiSecret: 'mp-secret-1' }, baseUrl: fake.url }),
  linear: (fake: LinearFake): NewConnection => ({ id: 'linear-main', connector: 'linear', name: 'Linear', credentials: { apiKey: [...fake.apiKeys][0]! }, baseUrl: fake.url }),
  /** Webhooks only: GitHub signs them with `webhookSecret`. */
  github: ({ webhookSecret }: { webhookSecret: string }): NewConnection => ({ id: 'github-main', connector: 'github', name: 'GitHub', credentials: { webhookSecret } }),
  /** Server-to-Server OAuth app credentials (unused by the recipes here) and the webhook secret token. */
  zoom: ({ webhookSecretToken }: { webhookSecretToken: string }): NewConnection => ({
    id: 'zoom-main',
    connector: 'zoom',
    name: 'Zoom',
    credentials: { clientId: 'zoom-client-id', clientSecret: 'zoom-client-secret', accountId: 'acct_Abc123', webhookSecretToken },
  }),
};

/** Which vendors a test connects, each with its fake (or, for a webhook-only connection, its secret). */
export type VendorConnections = { [K in keyof typeof vendorConnection]?: Parameters<(typeof vendorConnection)[K]>[0] };

/** Creates the `<vendor>-main` connection of each vendor named; answers connection id → connector, for compiling recipes. */
export async function seedVendorConnections(store: Store, vendors: VendorConnections): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [vendor, arg] of Object.entries(vendors)) {
    if (arg === undefined) continue;
    const connection = (vendorConnection[vendor as keyof typeof vendorConnection] as (a: unknown) => NewConnection)(arg);
    await store.connections.create(connection);
    ids.set(connection.id, connection.connector);
  }
  return ids;
}
