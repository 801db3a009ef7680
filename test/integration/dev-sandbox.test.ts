import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/temporal/dev-server';
import { groupPids, listeningAddresses, spawnDev, spawnSwitchyard, type DevProcess } from '../support/dev-process';
import { waitFor } from '../support/temporal';

const root = path.resolve(__dirname, '..', '..');
const exampleAutomations = ['closed-conversation-to-sheets', 'new-conversation-to-slack', 'new-user-to-mailchimp', 'urgent-to-jira'];

/**
 * First start as a newcomer sees it: `switchyard dev` on the example recipes, with the sandbox apps.
 * The printed curl is run as printed (bash, openssl, curl), and the Jira issue it causes is read
 * from the sandbox's own page. Then `switchyard api` on the same data starts no sandbox at all.
 */
describe('switchyard dev with sandbox apps', () => {
  const running: DevProcess[] = [];
  afterAll(() => {
    for (const p of running) {
      try {
        process.kill(p === running[0] ? -p.child.pid! : p.child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('runs the four Intercom automations on sandbox apps from the printed curl; api alone starts none', { timeout: 240_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-sandbox-'));
    const env = {
      PORT: String(await freePort()),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `sandbox-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_RECIPES_DIR: path.join(root, 'recipes'),
      LOG_LEVEL: 'warn',
    };
    const dev = spawnDev(env);
    running.push(dev);
    await dev.waitForLine(/Ctrl-C stops everything/);
    const printed = dev.output.join('\n');
    const [, apiUrl] = printed.match(/API\s+(http:\/\/\S+)/)!;
    const [, token] = printed.match(/Admin token\s+(\S+)/)!;
    expect(printed).toContain(`Console      ${apiUrl}/`);
    expect(printed).toContain(`${apiUrl}/sandbox/`);
    const api = (method: string, p: string, body?: unknown) =>
      fetch(`${apiUrl}${p}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

    // The four automations are enabled; recipes on vendors without a sandbox app wait for their apps, named.
    const { recipes } = (await (await api('GET', '/api/v1/recipes')).json()) as { recipes: { id: string; enabled: boolean }[] };
    expect(recipes.filter((r) => exampleAutomations.includes(r.id)).map((r) => [r.id, r.enabled])).toEqual(exampleAutomations.map((id) => [id, true]));
    expect(printed).toMatch(/\d+ more wait for apps not connected yet \(.*linear-main.*\):/);
    expect(printed).not.toContain('unknown connection');
    const { connections } = (await (await api('GET', '/api/v1/connections')).json()) as { connections: { id: string; sandbox: boolean; baseUrl: string }[] };
    expect(connections.map((c) => [c.id, c.sandbox])).toEqual([
      ['intercom-main', true],
      ['jira-main', true],
      ['mailchimp-main', true],
      ['sheets-main', true],
      ['slack-main', true],
    ]);
    for (const c of connections) expect(c.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    // The printed snippet, pasted into a shell as is.
    const snippet = printed.slice(printed.indexOf("SECRET='"), printed.indexOf('--data-binary "$BODY"') + '--data-binary "$BODY"'.length);
    const sent = spawnSync('bash', ['-c', snippet], { encoding: 'utf8', timeout: 30_000 });
    expect(sent.status, sent.stderr).toBe(0);
    const ack = JSON.parse(sent.stdout) as { runs: { recipe: string; runId: string }[] };
    expect(ack.runs.map((r) => r.recipe)).toEqual(['urgent-to-jira']);
    const jiraPage = async () => (await fetch(`${apiUrl}/sandbox/jira`)).text();
    await waitFor(async () => (await jiraPage()).includes('SUP-1'), 'the Jira issue on the sandbox page', 60_000);
    expect(await jiraPage()).toContain('Urgent: Checkout fails for all EU customers');
    const run = await waitFor(
      async () => {
        const r = (await (await api('GET', `/api/v1/runs/${encodeURIComponent(ack.runs[0]!.runId)}`)).json()) as { status: string };
        return r.status === 'succeeded' ? r : undefined;
      },
      'the urgent-to-jira run to succeed',
      60_000,
    );
    expect(run.status).toBe('succeeded');
    await waitFor(async () => (await (await fetch(`${apiUrl}/sandbox/slack`)).text()).includes('Created SUP-1 for conversation 148'), 'the Slack note of the issue', 30_000);

    // "Send test event": a sandbox source sends through the real ingress; anything else is refused.
    const testEvent = await api('POST', '/api/v1/connections/intercom-main/test-event', { topic: 'contact.user.created' });
    expect(testEvent.status).toBe(200);
    const answer = (await testEvent.json()) as { topic: string; delivery: { status: number; body: { runs: { recipe: string }[] } } };
    expect(answer.delivery.status).toBe(202);
    expect(answer.delivery.body.runs.map((r) => r.recipe)).toEqual(['new-user-to-mailchimp']);
    await waitFor(async () => (await (await fetch(`${apiUrl}/sandbox/mailchimp`)).text()).includes('katherine.johnson@example.com'), 'the Mailchimp member', 60_000);
    expect((await api('POST', '/api/v1/connections/intercom-main/test-event', { topic: 'nope' })).status).toBe(422);
    expect(((await (await api('POST', '/api/v1/connections/jira-main/test-event', {})).json()) as { error: { code: string } }).error.code).toBe('not_a_source');
    expect((await api('POST', '/api/v1/connections', { id: 'intercom-real', connector: 'intercom', name: 'Real', credentials: { clientSecret: 'real-secret' } })).status).toBe(201);
    const refused = await api('POST', '/api/v1/connections/intercom-real/test-event', {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_sandbox');

    // Everything the sandbox listens on is loopback.
    expect(listeningAddresses(groupPids(dev.child.pid!)).filter((a) => !a.startsWith('127.0.0.1:'))).toEqual([]);
    process.kill(-dev.child.pid!, 'SIGINT');
    expect(await dev.exited).toBe(0);

    // `switchyard api` on the same data: no sandbox app, no sandbox page, no test events.
    const port = await freePort();
    const only = spawnSwitchyard(['api'], { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    running.push(only);
    await only.waitForLine(/switchyard api listening/);
    expect(listeningAddresses([only.child.pid!])).toEqual([`127.0.0.1:${port}`]);
    const base = `http://127.0.0.1:${port}`;
    // No sandbox page (the path falls to the console's own routes, whatever they answer).
    expect(await (await fetch(`${base}/sandbox/jira`)).text()).not.toContain('Jira (Sandbox)');
    const later = await fetch(`${base}/api/v1/connections/intercom-main/test-event`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(later.status).toBe(409);
    only.child.kill('SIGTERM');
    expect(await only.exited).toBe(0);
  });
});
