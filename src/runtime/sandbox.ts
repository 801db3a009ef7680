import { Router, type Response } from 'express';
import type { SandboxApps } from '../../sandbox/apps';
import { sandboxIntercomEvent, sandboxIntercomTopics, signIntercom } from '../../sandbox/intercom-events';
import { sandboxPage } from '../../sandbox/pages';
import type { Config } from '../config/config';
import type { TestEventSender } from '../http/api/connections-routes';
import type { ConnectionStore } from '../store/connections';

/** `switchyard dev` only: what installing the sandbox connections did, one entry per connection. */
export interface SandboxInstall {
  /** Sandbox connections created or pointed at this start's apps. */
  installed: string[];
  /** Connections with a sandbox id that a person set up: left as they are. */
  kept: string[];
  /** The sandbox Intercom connection's webhook secret; undefined when intercom-main is a real one. */
  intercomSecret?: string;
}

/**
 * Creates or updates the connections the example automations use, pointing at the sandbox apps
 * (marked sandbox, sealed with the credentials). A connection with the same id that a person set
 * up is never touched. The sandbox Intercom keeps its webhook secret across restarts.
 */
export async function installSandboxConnections(connections: ConnectionStore, apps: SandboxApps): Promise<SandboxInstall> {
  const previous = (await connections.isSandbox('intercom-main')) ? ((await connections.credentials('intercom-main')) as { clientSecret?: string }).clientSecret : undefined;
  const result: SandboxInstall = { installed: [], kept: [] };
  for (const connection of apps.connections(previous)) {
    const existing = await connections.get(connection.id);
    if (existing && !(await connections.isSandbox(connection.id))) {
      result.kept.push(connection.id);
      continue;
    }
    await connections.upsert({ ...connection, sandbox: true });
    result.installed.push(connection.id);
    if (connection.connector === 'intercom') result.intercomSecret = (connection.credentials as { clientSecret: string }).clientSecret;
  }
  return result;
}

/**
 * `switchyard dev` only: the SSRF guard lets connectors reach exactly the sandbox apps
 * (`127.0.0.1:<port>` each), besides what SWITCHYARD_EGRESS_ALLOW already allows.
 */
export function withSandboxEgress(config: Config, apps: SandboxApps): Config {
  return { ...config, SWITCHYARD_EGRESS_ALLOW: [...config.SWITCHYARD_EGRESS_ALLOW, ...apps.origins] };
}

/** The sandbox's own pages: `GET /sandbox/` (every app) and `GET /sandbox/<app>`, plain HTML. */
export function sandboxPageRoutes(apps: SandboxApps): Router {
  const router = Router();
  const base = '/sandbox';
  const send = (res: Response, html: string | undefined) => {
    if (html === undefined) return res.status(404).type('text/plain').send('no such sandbox app');
    res.set({ 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'", 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    return res.type('html').send(html);
  };
  router.get(['/sandbox', '/sandbox/'], (_req, res) => send(res, sandboxPage(apps, base)));
  router.get('/sandbox/:app', (req, res) => send(res, sandboxPage(apps, base, req.params.app)));
  return router;
}

/**
 * "Send test event": the sandbox Intercom sends a signed delivery of `topic` to this API's own
 * `/hooks/<id>`, so it goes through the real ingress (verified, recorded, acknowledged) like any other.
 */
export function sandboxTestEvents(connections: ConnectionStore, apiUrl: () => string): TestEventSender {
  return {
    topics: (connector) => (connector === 'intercom' ? sandboxIntercomTopics : undefined),
    async send(connectionId, topic) {
      const { clientSecret } = (await connections.credentials(connectionId)) as { clientSecret: string };
      const body = sandboxIntercomEvent(topic)!;
      const res = await fetch(`${apiUrl()}/hooks/${encodeURIComponent(connectionId)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, clientSecret) },
        body,
      });
      const text = await res.text();
      let answer: unknown = text;
      try {
        answer = JSON.parse(text);
      } catch {
        // not JSON: shown as text
      }
      return { status: res.status, body: answer };
    },
  };
}
