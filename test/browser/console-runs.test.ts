import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { call } from '../support/api-harness';
import { ensureConsoleBuilt, launchChromium, screenshotter, signedInPage } from '../support/browser';
import { startTestEngine, type TestEngine } from '../support/engine';

/**
 * The Runs pages in chromium against the real engine: a recipe that waits for an approval (no
 * vendor needed), rejected from the console (the run fails at that step), retried from the failed
 * step, approved, and followed live to success.
 */
describe('console runs in chromium', () => {
  const admin = `admin-${randomBytes(24).toString('hex')}`;
  const recipeId = `gate-${randomBytes(3).toString('hex')}`;
  const topic = `gate.${recipeId}`;
  let engine: TestEngine;
  let browser: Browser;
  let page: Page;
  const shot = screenshotter();
  const api = (method: string, path: string, body?: unknown) => call(engine.api.url, method, path, { token: admin, body });

  beforeAll(async () => {
    ensureConsoleBuilt();
    engine = await startTestEngine('console-runs', { SWITCHYARD_ADMIN_TOKEN: admin });
    const recipe = { name: 'Gate', trigger: { type: 'event', event: topic }, steps: [{ id: 'approve', waitFor: { approval: { timeout: '1h' } } }] };
    expect((await api('PUT', `/api/v1/recipes/${recipeId}`, recipe)).status).toBeLessThan(300);
    browser = await launchChromium();
    page = await signedInPage(browser, engine.api.url, admin);
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  });

  it('lists a run, rejects its approval, retries from the failed step and follows the retry to success', async () => {
    const posted = await api('POST', '/api/v1/events', { topic, id: 'e-1', data: {} });
    const runId = (posted.body as { runs: { runId: string }[] }).runs[0]!.runId;

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByLabel('Recipe').fill(recipeId);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(`**/runs?recipe=${recipeId}`);
    const row = page.getByTestId(`run-${runId}`);
    // Visibility is eventually consistent: Refresh until the run is listed.
    await expect.poll(async () => (await row.count()) || (await page.getByRole('button', { name: 'Refresh' }).click(), 0), { timeout: 15_000 }).toBe(1);
    await shot(page, 'runs');

    await row.getByRole('link').click();
    await page.getByTestId('waiting-approve').getByText('approval').waitFor();
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByTestId('run-status').getByText('failed').waitFor();
    await page.getByTestId('error-approve').getByText('Rejected', { exact: true }).waitFor();
    await shot(page, 'run-failed');

    await page.getByRole('button', { name: 'Retry from failed step' }).click();
    await page.waitForURL((url) => url.pathname !== `/runs/${encodeURIComponent(runId)}`);
    await page.getByTestId('waiting-approve').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    // The page polls while the run is open: success shows up without a reload.
    await page.getByTestId('run-status').getByText('succeeded').waitFor();
    expect(await page.getByRole('button', { name: /Approve|Cancel run|Retry/ }).count()).toBe(0);
    await shot(page, 'run');

    // A status filter stays shown in its select after filtering (Preact applies `value`, not `defaultValue`, to a select).
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL((url) => url.pathname === '/runs' && url.search === '');
    await page.getByRole('form', { name: 'Filter runs' }).getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL('**/runs?status=succeeded');
    expect(await page.getByRole('form', { name: 'Filter runs' }).getByLabel('Status').inputValue()).toBe('succeeded');
  });
});
