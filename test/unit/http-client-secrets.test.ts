import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorError } from '../../connectors/sdk/errors';
import { createHttpClient } from '../../connectors/sdk/http';
import type { OutgoingRequest } from '../../connectors/sdk/types';

/** A vendor whose errors quote the request back: headers, query and body. */
describe('vendor errors quoting the request', () => {
  let server: http.Server;
  let url = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = req.url!.startsWith('/denied') ? 401 : 400;
        const message = `bad request ${req.url} authorization=${req.headers.authorization} x-api-key=${req.headers['x-api-key']} body=${Buffer.concat(chunks).toString()}`;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => void server.close());

  const failure = (applyAuth: (r: OutgoingRequest) => void, path = '/x') =>
    createHttpClient({ baseUrl: url, vendor: { vendor: 'Acme' }, egressAllow: ['127.0.0.1/32'], applyAuth })
      .request({ method: 'POST', path, json: { note: 'customer text' } })
      .then(() => expect.unreachable('the request should fail'), (e: unknown) => e as ConnectorError);

  it('scrubs a bearer token, whole or bare, and keeps the rest of the message', async () => {
    const err = await failure((r) => void (r.headers.authorization = 'Bearer tok_live_0123456789'), '/denied?echo=tok_live_0123456789');
    expect(err.kind).toBe('auth_lost');
    expect(err.message).not.toContain('tok_live_0123456789');
    expect(err.message).toBe('401 from Acme: bad request /denied?echo=[redacted] authorization=[redacted] x-api-key=undefined body={"note":"customer text"}');
  });

  it('scrubs a Basic password and the encoded pair, not the user name', async () => {
    const basic = Buffer.from('bot@example.com:jira-api-token-xyz').toString('base64');
    const err = await failure((r) => void (r.headers.authorization = `Basic ${basic}`), '/x?pw=jira-api-token-xyz');
    expect(err.message).not.toContain(basic);
    expect(err.message).not.toContain('jira-api-token-xyz');
    expect(err.message).toContain('authorization=[redacted]');
  });

  it('scrubs keys the auth put in another header or in the query', async () => {
    const header = await failure((r) => void (r.headers['x-api-key'] = 'key-abcdef123456'));
    expect(header.message).toContain('x-api-key=[redacted]');
    const query = await failure((r) => void r.url.searchParams.set('api_key', 'key-in-query-987654'));
    expect(query.message).not.toContain('key-in-query-987654');
  });
});
