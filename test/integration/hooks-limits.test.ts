import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyRecipe } from '../support/hooks';
import { waitFor } from '../support/temporal';

const maxBytes = 64 * 1024;

/** Raw-socket client: what a slow or oversized sender looks like on the wire. */
function rawRequest(url: string, head: string): { socket: net.Socket; response: Promise<string>; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let received = '';
  socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const response = new Promise<string>((resolve) => {
    const check = () => (/\r\n\r\n/.test(received) ? resolve(received) : undefined);
    socket.on('data', check);
    socket.on('close', () => resolve(received));
  });
  socket.write(head);
  return { socket, response, closed };
}

describe('ingress limits and sources', () => {
  const whsec = `whsec_${randomBytes(24).toString('base64')}`;
  const token = `tok_${randomBytes(16).toString('hex')}`;
  const recipeId = `limits-${randomUUID().slice(0, 8)}`;
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine('hooks-limits', { SWITCHYARD_HTTP_REQUEST_TIMEOUT: '1s', SWITCHYARD_WEBHOOK_MAX_BYTES: String(maxBytes) }, async (store) => {
      await store.connections.create({ id: 'std-in', connector: 'webhook', name: 'Standard sender', credentials: { scheme: 'standard', signingSecret: whsec } });
      await store.connections.create({ id: 'token-in', connector: 'webhook', name: 'Internal service', credentials: { token } });
      for (const connection of ['std-in', 'token-in']) {
        await applyRecipe(
          store,
          {
            id: `${recipeId}-${connection}`,
            name: 'Limits',
            trigger: { type: 'webhook', connection, event: 'invoice.*' },
            steps: [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }],
          },
          { [connection]: 'webhook' },
        );
      }
    });
  });
  afterAll(() => engine?.stop());

  const runCount = (connection: string) => engine.client.workflow.count(`WorkflowType = 'runRecipe' AND RecipeId = '${recipeId}-${connection}'`).then((r) => r.count);

  it('Standard Webhooks: the official package signs, we accept; webhook-id dedupes; a stale timestamp is 401', async () => {
    const payload = JSON.stringify({ type: 'invoice.paid', id: `in_${randomUUID()}` });
    const msgId = `msg_${randomUUID()}`;
    const send = (at: Date, id = msgId, body = payload) =>
      fetch(`${engine.api.url}/hooks/std-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(whsec).sign(id, at, body) },
        body,
      });
    const first = await send(new Date());
    expect(first.status).toBe(202);
    // Same webhook-id, new timestamp and signature (a sender's retry), even a different body id: one run.
    const retry = await send(new Date(), msgId, JSON.stringify({ type: 'invoice.paid', id: 'other' }));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ duplicate: true });
    const stale = await send(new Date(Date.now() - 301_000), `msg_${randomUUID()}`);
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    await waitFor(async () => (await runCount('std-in')) === 1, 'one run for the standard sender');
  });

  it('token source: the right path token is accepted, a wrong one is 401', async () => {
    const body = JSON.stringify({ type: 'invoice.created', id: `in_${randomUUID()}` });
    const post = (t: string) => fetch(`${engine.api.url}/hooks/token-in/${t}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post(`${token.slice(0, -1)}x`)).status).toBe(401);
    expect((await post(token)).status).toBe(202);
  });

  it('cuts off a sender that trickles its body, and starts no run', { timeout: 30_000 }, async () => {
    const body = JSON.stringify({ type: 'invoice.created', id: `in_${randomUUID()}`, pad: 'x'.repeat(200) });
    const { socket, response, closed } = rawRequest(
      engine.api.url,
      `POST /hooks/token-in/${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (socket.destroyed || sent >= body.length - 1) return; // never the last byte
      socket.write(body.slice(sent, sent + 1));
      sent++;
    }, 100);
    try {
      const answer = await response;
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(sent).toBeLessThan(body.length);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(await runCount('token-in')).toBe(1); // only the previous test's run
  });

  it('answers 413 to a declared oversized body without waiting for it', async () => {
    const { socket, response } = rawRequest(
      engine.api.url,
      `POST /hooks/token-in/${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n{"type":"invoice.created"`,
    );
    try {
      const answer = await response;
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    } finally {
      socket.destroy();
    }
  });

  it('answers 413 to a chunked body once it passes the limit, having read little more than the limit', { timeout: 30_000 }, async () => {
    const { socket, response } = rawRequest(
      engine.api.url,
      `POST /hooks/token-in/${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    let answered = false;
    let sent = 0;
    void response.then(() => (answered = true));
    const chunk = 'x'.repeat(8 * 1024);
    try {
      // Keep sending until the server answers (or we have sent 100× the limit: then it buffered).
      while (!answered && sent < 100 * maxBytes && !socket.destroyed) {
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        sent += chunk.length;
        await new Promise((r) => setTimeout(r, 5));
      }
      const answer = await response;
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(sent).toBeLessThan(4 * maxBytes);
    } finally {
      socket.destroy();
    }
  });
});
