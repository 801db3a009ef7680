import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { NotionFake } from '../../sandbox/notion-fake';
import { ensureConsoleBuilt, launchChromium, screenshotter } from '../support/browser';
import { startTestEngine, type TestEngine } from '../support/engine';

/**
 * The console in a real browser (Debian's chromium) against the real engine: the API and worker
 * in-process on the dev server, SQLite, Notion's fake as the vendor.
 */
describe('console in chromium', () => {
  const admin = `admin-${randomBytes(24).toString('hex')}`;
  const goodNotionToken = 'secret_notion_test_0123456789';
  let engine: TestEngine;
  let notion: NotionFake;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let viewer: string;
  const shot = screenshotter();

  const signIn = async (p: Page, token: string) => {
    await p.goto('/');
    await p.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    await p.getByLabel('API token').fill(token);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    notion = await new NotionFake().start();
    engine = await startTestEngine('console', { SWITCHYARD_ADMIN_TOKEN: admin });
    viewer = (await engine.api.tokens.create({ name: 'viewer', scopes: ['connections:read', 'recipes:read', 'runs:read'] })).secret;
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: engine.api.url, viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
    await notion?.close();
  });

  it('refuses a wrong token, signs in, and browses and searches the App Store', async () => {
    await signIn(page, 'sy_not-a-token');
    await page.getByRole('alert').getByText('this is not a valid API token').waitFor();
    await signIn(page, admin);
    await page.getByRole('heading', { name: 'App Store' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/apps/store');
    const nav = page.getByRole('navigation', { name: 'Console' });
    for (const entry of ['App Store', 'Installed apps', 'Recipes', 'Runs', 'Logs', 'API tokens']) await nav.getByRole('link', { name: entry }).waitFor();
    await page.getByRole('heading', { name: 'Productivity' }).waitFor();
    await page.getByTestId('connector-notion').waitFor();
    await shot(page, 'app-store');

    // Search by an action's words, then filter by category.
    await page.getByLabel('Search apps').fill('database row');
    await page.getByTestId('store-count').getByText('matching “database row”').waitFor();
    await page.getByTestId('connector-notion').waitFor();
    expect(await page.getByTestId('connector-hubspot').count()).toBe(0);
    await page.getByLabel('Search apps').fill('');
    await page.getByLabel('Category').selectOption('CRM');
    await page.getByTestId('connector-hubspot').waitFor();
    await page.getByTestId('connector-notion').waitFor({ state: 'detached' });
    expect(page.url()).toContain('category=CRM');
  });

  it('installs a bearer connector: a bad credential fails its test, Reconnect with a good one connects', async () => {
    await page.goto('/apps/store/notion');
    await page.getByRole('heading', { name: 'Notion' }).waitFor();
    await page.getByRole('heading', { name: /^Actions \(\d+\)$/ }).waitFor();
    await page.getByLabel('Connection id').fill('notion-main');
    await page.getByLabel('Account label').fill('Acme workspace');
    await page.getByLabel('Access token').fill('secret_wrong');
    await page.getByLabel('Base URL (optional)').fill(notion.url);
    await shot(page, 'install');
    await page.getByRole('button', { name: 'Install and test' }).click();

    await page.waitForURL('**/apps/notion-main');
    await page.getByTestId('connection-message').getByText('the test failed').waitFor();
    await page.getByTestId('connection-status').getByText('disconnected').waitFor();

    await page.getByRole('button', { name: 'Reconnect' }).click();
    await page.getByLabel('Access token').fill(goodNotionToken);
    await page.getByRole('button', { name: 'Save and test' }).click();
    await page.getByTestId('connection-message').getByText('Reconnected').waitFor();
    await page.getByTestId('connection-status').getByText('connected').waitFor();
    await shot(page, 'connection');

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Installed apps' }).click();
    await page.getByTestId('connection-notion-main').getByText('connected').waitFor();
    await shot(page, 'installed');
  });

  it('creates an API token whose secret is shown once', async () => {
    await page.goto('/tokens');
    await page.getByLabel('Name').fill('ci deploys');
    await page.getByRole('checkbox', { name: 'runs:read' }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('token-secret').locator('code').textContent()) ?? '';
    expect(secret).toMatch(/^sy_/);
    await page.getByTestId('token-ci deploys').waitFor();
    await shot(page, 'tokens');
    expect((await engine.api.tokens.list()).map((t) => t.name)).toContain('ci deploys');
  });

  it('shows a read-only token no write controls, and the API refuses its forged write with 403', async () => {
    const readOnly = await browser.newContext({ baseURL: engine.api.url });
    readOnly.setDefaultTimeout(15_000);
    const p = await readOnly.newPage();
    await signIn(p, viewer);
    await p.getByRole('heading', { name: 'App Store' }).waitFor();
    await p.getByTestId('read-only').waitFor();
    await p.getByTestId('connector-notion').waitFor();
    expect(await p.getByRole('button', { name: /^Install/ }).count()).toBe(0);
    await p.goto('/apps/notion-main');
    await p.getByTestId('connection-status').waitFor();
    for (const name of ['Test', 'Pause', 'Reconnect', 'Delete']) expect(await p.getByRole('button', { name }).count(), name).toBe(0);

    // The page's own cookie and CSRF token, a write the UI never offers: refused for the scope.
    const forged = await p.evaluate(async () => {
      const who = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/connections/notion-main/pause', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': who.csrfToken }, body: '{}' });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('insufficient_scope');
    expect(forged.body.error.message).toContain('connections:write');
    await readOnly.close();
  });

  it('signs out: the cookie no longer works', async () => {
    await page.goto('/apps');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    expect(status).toBe(401);
  });
});
