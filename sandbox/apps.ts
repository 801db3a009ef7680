import { randomBytes } from 'node:crypto';
import type { FakeServer } from './fake-server';
import { GoogleSheetsFake } from './google-sheets-fake';
import { IntercomFake } from './intercom-fake';
import { JiraFake } from './jira-fake';
import { MailchimpFake } from './mailchimp-fake';
import { SlackFake } from './slack-fake';

/** A connection as the dev command installs it for a sandbox app (the store's `NewConnection` shape, without importing it). */
interface SandboxConnection {
  id: string;
  connector: string;
  name: string;
  credentials: Record<string, unknown>;
  baseUrl: string | null;
}

/**
 * The ids the example Intercom automations use (recipes/urgent-to-jira.json and the three others):
 * the sandbox apps know them so those recipes work unchanged.
 */
const exampleIds = {
  mailchimpList: '57afe96172',
  spreadsheet: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
};

export interface SandboxApps {
  intercom: IntercomFake;
  jira: JiraFake;
  slack: SlackFake;
  mailchimp: MailchimpFake;
  sheets: GoogleSheetsFake;
  /** `127.0.0.1:<port>` of each app: exactly what the dev command lets the SSRF guard reach. */
  origins: string[];
  /**
   * The connections the example automations name, pointing at the apps with the credentials they
   * accept. `intercomSecret` signs the sandbox Intercom's webhooks (kept across restarts when given).
   */
  connections(intercomSecret?: string): SandboxConnection[];
  close(): Promise<void>;
}

/**
 * Starts the vendor fakes behind the example Intercom automations as sandbox apps: in this process,
 * on loopback, on ports the system picks. Only `switchyard dev` calls this.
 */
export async function startSandboxApps(): Promise<SandboxApps> {
  const intercom = new IntercomFake();
  const jira = new JiraFake();
  const slack = new SlackFake();
  const mailchimp = new MailchimpFake();
  mailchimp.lists.add(exampleIds.mailchimpList);
  const sheets = new GoogleSheetsFake();
  sheets.sheets.set(exampleIds.spreadsheet, new Map([['Closed', [['conversation', 'closed at', 'subject', 'email', 'parts', 'tags']]]]));
  const fakes: FakeServer[] = [intercom, jira, slack, mailchimp, sheets];
  try {
    await Promise.all(fakes.map((f) => f.start()));
  } catch (err) {
    await Promise.all(fakes.map((f) => f.close()));
    throw err;
  }
  return {
    intercom,
    jira,
    slack,
    mailchimp,
    sheets,
    origins: fakes.map((f) => new URL(f.url).host),
    connections: (intercomSecret = randomBytes(16).toString('hex')) => [
      { id: 'intercom-main', connector: 'intercom', name: 'Intercom (Sandbox)', credentials: { accessToken: [...intercom.tokens][0]!, clientSecret: intercomSecret }, baseUrl: intercom.url },
      { id: 'jira-main', connector: 'jira', name: 'Jira (Sandbox)', credentials: { username: 'bot@example.com', password: jira.users.get('bot@example.com')!, siteUrl: jira.url }, baseUrl: jira.url },
      { id: 'slack-main', connector: 'slack', name: 'Slack (Sandbox)', credentials: { accessToken: [...slack.tokens][0]! }, baseUrl: slack.url },
      { id: 'mailchimp-main', connector: 'mailchimp', name: 'Mailchimp (Sandbox)', credentials: { apiKey: [...mailchimp.keys][0]! }, baseUrl: `${mailchimp.url}/3.0` },
      {
        id: 'sheets-main',
        connector: 'google-sheets',
        name: 'Google Sheets (Sandbox)',
        credentials: { accessToken: 'ya29.valid', refreshToken: '1//refresh', tokenUrl: `${sheets.url}/token`, clientId: 'sandbox', clientSecret: 'sandbox' },
        baseUrl: `${sheets.url}/v4`,
      },
    ],
    close: async () => {
      await Promise.all(fakes.map((f) => f.close()));
    },
  };
}
