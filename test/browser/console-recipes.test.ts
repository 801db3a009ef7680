import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { SlackFake } from '../../sandbox/slack-fake';
import { compileSync } from '../../src/recipe/sync-compile';
import { intercomContactsSync, mrrField, salesforceContacts } from '../support/sync-definitions';
import { call } from '../support/api-harness';
import { ensureConsoleBuilt, launchChromium, screenshotter } from '../support/browser';
import { startTestEngine, type TestEngine } from '../support/engine';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { seedVendorConnections } from '../support/vendor-connections';

/**
 * The Recipes pages in chromium against the real engine and the Slack fake: a new recipe with a
 * misspelt step reference shows the compiler's diagnostic at its path, the "did you mean" fix is
 * applied from the list, the recipe is created, enabled, and an event's run is followed to
 * success on the Runs page; a dry run shows each step's outcome; a change shows up as a version
 * diff; a read-only token sees no write controls. Each test saves the recipes and syncs it starts
 * from under its own ids (through the API or the store), so any one runs alone.
 */
describe('console recipes in chromium', () => {
  const admin = `admin-${randomBytes(24).toString('hex')}`;
  const suffix = randomBytes(3).toString('hex');
  const slack = new SlackFake();
  const salesforce = new SalesforceFake();
  const intercom = new IntercomFake();
  const intercomSecret = `whsec-${randomBytes(8).toString('hex')}`;
  let engine: TestEngine;
  let browser: Browser;
  let viewer: string;
  let page: Page;
  const shot = screenshotter();
  const api = (method: string, path: string, body?: unknown) => call(engine.api.url, method, path, { token: admin, body });

  const signIn = async (context: BrowserContext, token: string) => {
    const p = await context.newPage();
    await p.goto('/');
    await p.getByLabel('API token').fill(token);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'App Store' }).waitFor();
    return p;
  };
  const newContext = async () => {
    const context = await browser.newContext({ baseURL: engine.api.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    return context;
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    await slack.start();
    await salesforce.start();
    await intercom.start();
    // The sync's fields exist on both sides' live schemas (what a saved sync is checked against).
    intercom.contactAttributes.add('mrr');
    salesforce.addCustomField('Contact', mrrField);
    engine = await startTestEngine('console-recipes', { SWITCHYARD_ADMIN_TOKEN: admin }, async (store) => void (await seedVendorConnections(store, { slack, salesforce, intercom: { fake: intercom, clientSecret: intercomSecret } })));
    viewer = (await engine.api.tokens.create({ name: 'viewer', scopes: ['recipes:read', 'runs:read', 'connections:read'] })).secret;
    browser = await launchChromium();
    page = await signIn(await newContext(), admin);
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
    await slack.close();
    await salesforce.close();
    await intercom.close();
  });

  const topicOf = (recipeId: string) => `ticket.${recipeId}`;
  const recipe = (recipeId: string, text: string) => ({
    id: recipeId,
    name: `Announce tickets (${recipeId})`,
    enabled: false,
    trigger: { type: 'event', event: topicOf(recipeId) },
    steps: [
      { id: 'announce', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'New ticket: {{ trigger.subject }}' } },
      { id: 'thread', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', threadTs: '{{ steps.announce.ts }}', text } },
    ],
  });
  /** A recipe saved through the API (version 1, disabled), then enabled as the Enable button does when asked. */
  const savedRecipe = async (recipeId: string, { enabled = false } = {}) => {
    const put = await api('PUT', `/api/v1/recipes/${recipeId}`, recipe(recipeId, 'Posted as {{ steps.announce.ts }}'));
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    if (enabled) expect((await api('POST', `/api/v1/recipes/${recipeId}/enable`)).status).toBe(200);
  };
  /** A sync as applying it stores it (version 1, enabled; its workflow is not running), disabled as the Disable button does when asked. */
  const storedSync = async (syncId: string, { enabled = true } = {}) => {
    const compiled = compileSync(intercomContactsSync(syncId, salesforceContacts), { connections: new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await engine.store.syncs.apply(intercomContactsSync(syncId, salesforceContacts), compiled.plan);
    if (!enabled) expect((await api('POST', `/api/v1/syncs/${syncId}/disable`)).status).toBe(200);
  };

  it('shows a typo at its path, applies the suggestion, creates and enables the recipe, and its run succeeds', async () => {
    const recipeId = `announce-${suffix}`;
    const topic = topicOf(recipeId);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Recipes' }).click();
    await page.getByRole('link', { name: 'New recipe' }).click();
    const editor = page.getByLabel('Recipe JSON');
    const typo = JSON.stringify(recipe(recipeId, 'Posted as {{ steps.anounce.ts }}'), null, 2);
    await editor.fill(typo);
    const diagnostic = page.getByTestId('diagnostic-steps[1].input.text');
    await diagnostic.getByText('unknown reference steps.anounce').waitFor();
    // Anchored in the text: the line and column of the misspelt string.
    const line = typo.split('\n').findIndex((l) => l.includes('Posted as'));
    await diagnostic.getByText(`line ${line + 1}, column ${typo.split('\n')[line]!.indexOf('"Posted') + 1}`).waitFor();
    expect(await page.getByRole('button', { name: 'Create recipe' }).isDisabled()).toBe(true);
    // Going to the diagnostic selects the misspelt string in the editor.
    await diagnostic.getByRole('button', { name: /^Go to steps\[1\]\.input\.text/ }).click();
    expect(await editor.evaluate((el) => { const area = el as unknown as { value: string; selectionStart: number; selectionEnd: number }; return area.value.slice(area.selectionStart, area.selectionEnd); })).toBe('"Posted as {{ steps.anounce.ts }}"');
    await shot(page, 'recipe-diagnostic');

    await diagnostic.getByRole('button', { name: 'did you mean steps.announce?' }).click();
    await page.getByTestId('check-summary').getByText('No problems').waitFor();
    expect(await editor.inputValue()).toContain('"text": "Posted as {{ steps.announce.ts }}"');

    // Keyboard: with the caret in the first step, Ctrl+Space reaches the fields the schema allows there.
    await editor.evaluate((el) => {
      const area = el as unknown as { value: string; setSelectionRange(a: number, b: number): void };
      const at = area.value.indexOf('"id": "announce"');
      area.setSelectionRange(at, at);
    });
    await editor.press('ArrowRight');
    await page.getByRole('heading', { name: 'Fields allowed in steps[0]' }).waitFor();
    await editor.press('Control+ ');
    await page.getByRole('button', { name: '+ when' }).press('ArrowDown');
    await page.getByRole('button', { name: '+ onError' }).press('Enter');
    expect(await editor.inputValue()).toContain('"text": "New ticket: {{ trigger.subject }}"\n      },\n      "onError": "fail"\n    },');
    await page.getByTestId('check-summary').getByText('No problems').waitFor();

    await page.getByRole('button', { name: 'Create recipe' }).click();
    await page.waitForURL(`**/recipes/${recipeId}?created=1`);
    await page.getByTestId('recipe-state').getByText('disabled').waitFor();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByTestId('recipe-state').getByText('enabled').waitFor();

    const sent = slack.messages.length;
    const posted = await api('POST', '/api/v1/events', { topic, id: 'e-1', data: { subject: 'Printer on fire' } });
    expect(posted.body.runs).toHaveLength(1);
    const runId = (posted.body as { runs: { runId: string }[] }).runs[0]!.runId;
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByLabel('Recipe').fill(recipeId);
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.getByTestId(`run-${runId}`);
    // Visibility is eventually consistent: Refresh until the run is listed.
    await expect.poll(async () => (await row.count()) || (await page.getByRole('button', { name: 'Refresh' }).click(), 0), { timeout: 15_000 }).toBe(1);
    await row.getByRole('link').click();
    await page.getByTestId('run-status').getByText('succeeded').waitFor();
    expect(slack.messages.slice(sent).map((m) => m.text)).toEqual(['New ticket: Printer on fire', `Posted as ${slack.messages[sent]!.ts}`]);

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Recipes' }).click();
    const listed = page.getByTestId(`recipe-${recipeId}`);
    await listed.getByText('enabled').waitFor();
    await listed.getByText('succeeded').waitFor();
    await shot(page, 'recipes');
  });

  it('dry-runs the saved recipe against a fixture and shows each step', async () => {
    const recipeId = `dry-${suffix}`;
    await savedRecipe(recipeId, { enabled: true });
    const sent = slack.messages.length;
    await page.goto(`/recipes/${recipeId}`);
    await page.getByLabel('Event (JSON, as the sender posts it)').fill(JSON.stringify({ subject: 'Fixture subject' }));
    await page.getByRole('button', { name: 'Run dry run' }).click();
    const result = page.getByTestId('dry-run-result');
    await result.getByTestId('dry-run-status').getByText('succeeded').waitFor();
    await result.getByText(`matches ${topicOf(recipeId)}`).waitFor();
    await result.getByTestId('dry-step-announce').getByText('succeeded').waitFor();
    await result.getByTestId('dry-step-thread').getByText('succeeded').waitFor();
    await result.getByTestId('dry-step-announce').getByText('Rendered input').click();
    await result.getByTestId('dry-step-announce').getByText('New ticket: Fixture subject').waitFor();
    expect(slack.messages).toHaveLength(sent);
  });

  it('dry-runs a webhook recipe against a delivery its connection received', async () => {
    const hookRecipe = `hook-${suffix}`;
    const webhook = {
      name: 'New conversation (dry run only)',
      enabled: false,
      trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' },
      steps: [{ id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'New: {{ trigger.data.item.source.subject }}' } }],
    };
    expect((await api('PUT', `/api/v1/recipes/${hookRecipe}`, webhook)).status).toBe(201);
    const body = intercomNotification('conversation.user.created', { type: 'conversation', id: 'c-7', source: { subject: 'Refund for order 42' } });
    expect((await postIntercomWebhook(engine.api.url, 'intercom-main', body, intercomSecret)).status).toBeLessThan(300);

    await page.goto(`/recipes/${hookRecipe}`);
    const deliveries = page.getByLabel('Recent delivery on intercom-main');
    await expect.poll(async () => (await deliveries.locator('option').allTextContents()).some((t) => t.includes('conversation.user.created'))).toBe(true);
    await deliveries.selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Use as the event' }).click();
    await expect.poll(() => page.getByLabel('Event (JSON, as the sender posts it)').inputValue()).toContain('Refund for order 42');
    await page.getByRole('button', { name: 'Run dry run' }).click();
    const result = page.getByTestId('dry-run-result');
    await result.getByText('matches conversation.user.created').waitFor();
    await result.getByTestId('dry-step-post').getByText('Rendered input').click();
    await result.getByTestId('dry-step-post').getByText('New: Refund for order 42').waitFor();
    await page.getByRole('heading', { name: 'Outcome' }).scrollIntoViewIfNeeded();
    await shot(page, 'recipe-dry-run');
  });

  it('saves a change as a new version and shows the diff between versions', async () => {
    const recipeId = `versions-${suffix}`;
    await savedRecipe(recipeId, { enabled: true });
    await page.goto(`/recipes/${recipeId}`);
    const editor = page.getByLabel('Recipe JSON');
    await editor.fill((await editor.inputValue()).replace('New ticket: ', 'Ticket opened: '));
    await page.getByTestId('check-summary').getByText('No problems').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('recipe-message').getByText('saved as version 2').waitFor();
    await page.getByTestId('diff-summary').getByText('v1 → v2: 2 lines added, 2 removed.').waitFor();
    const diff = page.getByTestId('version-diff');
    await diff.locator('.diff-removed', { hasText: 'New ticket: {{ trigger.subject }}' }).waitFor();
    await diff.locator('.diff-added', { hasText: 'Ticket opened: {{ trigger.subject }}' }).waitFor();
    // Saving kept the state Enable gave it, so the JSON's "enabled" changed with it.
    await diff.locator('.diff-added', { hasText: '"enabled": true' }).waitFor();
    await expect.poll(() => page.getByText('The editor has unsaved changes').count()).toBe(0);
    await page.getByRole('heading', { name: 'Compare' }).scrollIntoViewIfNeeded();
    await shot(page, 'recipe-versions');
    // Enabled state survives the new version.
    await page.getByTestId('recipe-state').getByText('enabled').waitFor();
  });

  it('a read-only token sees recipes and syncs but no write controls', async () => {
    const recipeId = `read-only-${suffix}`;
    const syncId = `read-only-contacts-${suffix}`;
    await savedRecipe(recipeId);
    // A stored sync (its workflow is not running: the list says when each side last cycled, if known).
    await storedSync(syncId);
    const context = await newContext();
    const p = await signIn(context, viewer);
    await p.goto('/recipes');
    await p.getByTestId(`recipe-${recipeId}`).waitFor();
    const sync = p.getByTestId(`sync-${syncId}`);
    await sync.getByText('intercom-main contact ↔ salesforce-main Contact').waitFor();
    await sync.getByText('enabled').waitFor();
    await sync.getByText(/left never, right never|unknown/).waitFor();
    expect(await p.getByRole('link', { name: 'New recipe' }).count()).toBe(0);
    await p.getByRole('link', { name: `Announce tickets (${recipeId})` }).click();
    await p.getByTestId('recipe-state').waitFor();
    expect(await p.getByLabel('Recipe JSON').getAttribute('readonly')).not.toBeNull();
    expect(await p.getByRole('button', { name: /^(Save|Enable|Disable|Delete|Load into editor)$/ }).count()).toBe(0);
    // Dry runs have no side effects: recipes:read may run them.
    await p.getByRole('button', { name: 'Run dry run' }).waitFor();
    // The sync opens in the same editor, read only.
    await p.goto('/recipes');
    await p.getByTestId(`sync-${syncId}`).getByRole('link', { name: syncId }).click();
    expect(await p.getByLabel('Sync JSON').getAttribute('readonly')).not.toBeNull();
    expect(await p.getByLabel('Sync JSON').inputValue()).toContain('"kind": "sync"');
    expect(await p.getByRole('button', { name: /^(Save|Enable|Disable|Delete)$/ }).count()).toBe(0);
    await context.close();
  });

  it('opens a sync in the editor: its source, its one version, a typo shown at its path, no dry run, disable', async () => {
    const syncId = `editor-contacts-${suffix}`;
    await storedSync(syncId);
    await page.goto('/recipes');
    await page.getByTestId(`sync-${syncId}`).getByRole('link', { name: syncId }).click();
    const editor = page.getByLabel('Sync JSON');
    const source = await editor.inputValue();
    expect(JSON.parse(source)).toEqual(intercomContactsSync(syncId, salesforceContacts));
    await page.getByTestId('check-summary').getByText('No problems: the sync compiles.').waitFor();
    expect(await page.getByRole('heading', { name: 'Dry run' }).count()).toBe(0);
    await page.getByTestId('version-1').getByText('current').waitFor();
    await page.getByText('One version so far: save a change to compare.').waitFor();
    await editor.fill(source.replace('"onDuplicate": "report"', '"onDuplicate": "reprot"'));
    const diagnostic = page.getByTestId('diagnostic-onDuplicate');
    await diagnostic.waitFor();
    await diagnostic.getByText(/line \d+, column \d+/).waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await shot(page, 'sync-editor');
    // A field the CRM does not have compiles, but saving checks both sides' live schemas: 422, shown at its path.
    await editor.fill(source.replace('"right": "Email"', '"right": "Emial"')); // the match rule's field
    await page.getByTestId('check-summary').getByText('No problems').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('diagnostic-match[0].right').getByText('Salesforce Contact has no field "Emial"').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    expect((await api('GET', `/api/v1/recipes/${syncId}`)).body).toMatchObject({ kind: 'sync', version: 1 });
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByRole('group', { name: 'Sync actions' }).getByRole('button', { name: 'Disable' }).click();
    await page.getByTestId('recipe-message').getByText(`${syncId} is disabled`).waitFor();
    await page.getByTestId('recipe-state').getByText('disabled').waitFor();
    expect((await api('GET', `/api/v1/syncs/${syncId}`)).body).toMatchObject({ enabled: false });
  });

  it('saves a sync edited with value hints, its diagnostics clean, then enables and disables it, the list following', async () => {
    const syncId = `hints-contacts-${suffix}`;
    await storedSync(syncId, { enabled: false });
    const listed = async (state: 'enabled' | 'disabled') => {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Recipes' }).click();
      await page.getByTestId(`sync-${syncId}`).getByText(state, { exact: true }).waitFor();
      await page.getByTestId(`sync-${syncId}`).getByRole('link', { name: syncId }).click();
      await page.getByTestId('recipe-state').getByText(state, { exact: true }).waitFor();
    };
    await listed('disabled');
    const editor = page.getByLabel('Sync JSON');
    await editor.fill((await editor.inputValue()).replace('"safetyPoll": "1m"', '"safetyPoll": "5m"'));
    // Value hints: with the caret on a field's value, Ctrl+Space reaches the values the schema (or the installation) knows.
    const caretInto = async (needle: string) => {
      await editor.evaluate((el, n) => {
        const area = el as unknown as { value: string; focus(): void; setSelectionRange(a: number, b: number): void };
        const at = area.value.indexOf(n);
        area.focus();
        area.setSelectionRange(at, at);
      }, needle);
      await editor.press('ArrowRight');
    };
    const values = page.getByTestId('value-hints');
    await caretInto('"intercom-main"');
    await page.getByRole('heading', { name: 'Values for left.connection' }).waitFor();
    expect(await values.getByRole('button').allTextContents()).toEqual(['intercom-main', 'salesforce-main', 'slack-main']);
    await values.getByText('Salesforce (salesforce)').waitFor();
    await caretInto('"newestWins"');
    await page.getByRole('heading', { name: 'Values for conflicts' }).waitFor();
    await editor.press('Control+ ');
    await values.getByRole('button', { name: 'newestWins' }).press('ArrowDown');
    await values.getByRole('button', { name: 'leftWins' }).press('Enter');
    expect(await editor.inputValue()).toContain('"conflicts": "leftWins",');
    await page.getByTestId('check-summary').getByText('No problems: the sync compiles.').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('recipe-message').getByText(`${syncId} saved as version 2.`).waitFor();
    // Both sides' live schemas agreed: nothing to show, and the stored source is the edit (still disabled, as Disable left it).
    await page.getByTestId('check-summary').getByText('No problems: the sync compiles.').waitFor();
    expect(await page.getByTestId('diagnostics').count()).toBe(0);
    await page.getByText('No unsaved changes.').waitFor();
    expect((await api('GET', `/api/v1/recipes/${syncId}`)).body).toMatchObject({ kind: 'sync', version: 2, enabled: false, source: { safetyPoll: '5m', conflicts: 'leftWins', enabled: false } });
    // Its versions, as a recipe's: v2 is current, and the diff from v1 is the edit.
    await page.getByTestId('version-2').getByText('current').waitFor();
    expect(await page.getByTestId('version-1').getByText('current').count()).toBe(0);
    await page.getByTestId('diff-summary').getByText('v1 → v2: 4 lines added, 3 removed.').waitFor();
    const diff = page.getByTestId('version-diff');
    await diff.locator('.diff-removed', { hasText: '"safetyPoll": "1m"' }).waitFor();
    await diff.locator('.diff-added', { hasText: '"safetyPoll": "5m"' }).waitFor();
    await diff.locator('.diff-removed', { hasText: '"conflicts": "newestWins"' }).waitFor();
    await diff.locator('.diff-added', { hasText: '"conflicts": "leftWins"' }).waitFor();
    await diff.locator('.diff-added', { hasText: '"enabled": false' }).waitFor();
    await page.getByRole('heading', { name: 'Compare' }).scrollIntoViewIfNeeded();
    await shot(page, 'sync-versions');

    const actions = page.getByRole('group', { name: 'Sync actions' });
    await actions.getByRole('button', { name: 'Enable' }).click();
    await page.getByTestId('recipe-message').getByText(`${syncId} is enabled.`).waitFor();
    expect((await api('GET', `/api/v1/syncs/${syncId}`)).body).toMatchObject({ enabled: true });
    await listed('enabled');
    await actions.getByRole('button', { name: 'Disable' }).click();
    await page.getByTestId('recipe-message').getByText(`${syncId} is disabled`).waitFor();
    expect((await api('GET', `/api/v1/syncs/${syncId}`)).body).toMatchObject({ enabled: false });
    await listed('disabled');
  });
});
