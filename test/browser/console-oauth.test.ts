import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { OAuthAuthorizationServer } from '../../sandbox/oauth-authorization-server';
import { ensureConsoleBuilt, launchChromium, screenshotter, signedInPage } from '../support/browser';
import { startTestEngine, type TestEngine } from '../support/engine';
import { startSalesforceConsent, type SalesforceConsent } from '../support/salesforce-consent';

/**
 * OAuth Connect from the console in chromium: Connect on Salesforce's install page goes to the
 * fake authorization server (PKCE, state), whose consent comes back through /oauth/callback to the
 * connection's page, connected; a denied consent lands on the same page with the reason.
 */
describe('console OAuth Connect in chromium', () => {
  const admin = `admin-${randomBytes(24).toString('hex')}`;
  const tag = randomBytes(3).toString('hex');
  let engine: TestEngine;
  let consent: SalesforceConsent;
  let authServer: OAuthAuthorizationServer;
  let browser: Browser;
  let page: Page;
  const shot = screenshotter();

  beforeAll(async () => {
    ensureConsoleBuilt();
    consent = await startSalesforceConsent('sf-console');
    authServer = consent.authServer;
    engine = await startTestEngine('console-oauth', { SWITCHYARD_ADMIN_TOKEN: admin, ...consent.env });
    consent.redirectTo(engine.api.url);
    browser = await launchChromium();
    page = await signedInPage(browser, engine.api.url, admin);
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
    await consent?.close();
  });

  /** The install page of Salesforce with the connection id typed in, then Connect. */
  const connect = async (id: string) => {
    await page.goto('/apps/store/salesforce');
    await page.getByLabel('Connection id').fill(id);
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
  };

  it('connects Salesforce through consent and lands on the connected connection', async () => {
    const id = `sf-${tag}`;
    authServer.consent = 'approve';
    await connect(id);
    await page.waitForURL(`**/apps/${id}?connected=1`);
    await page.getByRole('status').getByText('Connected: Salesforce granted access.').waitFor();
    await page.getByTestId('connection-status').getByText('connected').waitFor();
    await shot(page, 'oauth-connected');
    const stored = await engine.store.connections.get(id);
    expect(stored).toMatchObject({ connector: 'salesforce', status: 'connected' });
  });

  it('shows why when the person denies consent, and installs nothing', async () => {
    const id = `sf-denied-${tag}`;
    authServer.consent = 'deny';
    await connect(id);
    await page.waitForURL((url) => url.pathname === `/apps/${id}` && url.searchParams.get('oauth_error') === 'access_denied');
    const alert = page.getByRole('alert').filter({ hasText: 'access_denied' });
    await alert.getByText('The user denied the request').waitFor();
    await alert.getByRole('link', { name: 'connect again from the App Store' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(1);
    await shot(page, 'oauth-denied');
    expect(await engine.store.connections.get(id)).toBeUndefined();
  });
});
