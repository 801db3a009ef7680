import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxApps, type SandboxApps } from '../../sandbox/apps';
import { sandboxPage } from '../../sandbox/pages';
import { installSandboxConnections, sandboxPageRoutes, withSandboxEgress } from '../../src/runtime/sandbox';
import { parseConfig } from '../../src/config/config';
import type { Store } from '../../src/store/store';
import { openTestStore } from '../support/stores';

describe('sandbox apps', () => {
  let apps: SandboxApps;
  let store: Store;
  beforeAll(async () => {
    apps = await startSandboxApps();
    store = await openTestStore(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-sandbox-')), 'store.db')}`);
  });
  afterAll(async () => {
    await apps?.close();
    await store?.close();
  });

  it('listen on loopback only; the egress allow-list gains exactly their address:port', () => {
    expect(apps.origins).toHaveLength(5);
    for (const o of apps.origins) expect(o).toMatch(/^127\.0\.0\.1:\d+$/);
    const config = withSandboxEgress(parseConfig({ SWITCHYARD_EGRESS_ALLOW: '10.0.0.0/8' }), apps);
    expect(config.SWITCHYARD_EGRESS_ALLOW).toEqual(['10.0.0.0/8', ...apps.origins]);
  });

  it('install the example connections as sandbox ones, keep the webhook secret, and never overwrite a real connection', async () => {
    await store.connections.create({ id: 'slack-main', connector: 'slack', name: 'Our Slack', credentials: { accessToken: 'xoxb-real' } });
    const first = await installSandboxConnections(store.connections, apps);
    expect(first.installed).toEqual(['intercom-main', 'jira-main', 'mailchimp-main', 'sheets-main']);
    expect(first.kept).toEqual(['slack-main']);
    expect(await store.connections.credentials('slack-main')).toEqual({ accessToken: 'xoxb-real' });
    expect([...(await store.connections.sandboxIds())].sort()).toEqual(first.installed);
    expect((await store.connections.get('jira-main'))!.baseUrl).toBe(apps.jira.url);

    const again = await installSandboxConnections(store.connections, apps);
    expect(again.intercomSecret).toBe(first.intercomSecret);

    // New credentials from a person make a sandbox connection real: the next start keeps it.
    await store.connections.updateCredentials('jira-main', { username: 'me@acme.com', password: 'tok', siteUrl: 'https://acme.atlassian.net' }, new Date(), { baseUrl: null });
    expect(await store.connections.isSandbox('jira-main')).toBe(false);
    expect((await installSandboxConnections(store.connections, apps)).kept).toEqual(['jira-main', 'slack-main']);
    expect((await store.connections.get('jira-main'))!.baseUrl).toBeNull();
  });

  it('pages escape what the apps hold and load nothing from elsewhere', async () => {
    apps.jira.issues.push({ id: '1', key: 'SUP-9', fields: { summary: '<script>alert("x")</script> & <img src=x onerror=alert(1)>', labels: ['a'] } });
    const html = sandboxPage(apps, '/sandbox', 'jira')!;
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img|src=["']?http|<link/i);
    expect(sandboxPage(apps, '/sandbox', 'constructor')).toBeUndefined();
    expect(sandboxPage(apps, '/sandbox')).toMatch(/<a href="\/sandbox\/jira">Jira<\/a>: 1 item\./);

    const app = express().use(sandboxPageRoutes(apps));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const page = await fetch(`${base}/sandbox/jira`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect((await fetch(`${base}/sandbox/nope`)).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
