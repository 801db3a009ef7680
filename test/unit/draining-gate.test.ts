import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { drainingGate } from '../../src/http/graceful-close';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

it('once draining, a new request is refused with a JSON 503, Retry-After and Connection: close; before, the app answers', async () => {
  const gate = drainingGate((_req, res) => res.end('app'));
  server = http.createServer(gate.handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/recipes`;

  expect(await (await fetch(url)).text()).toBe('app');
  gate.start();
  const refused = await fetch(url);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(refused.headers.get('connection')).toBe('close');
  expect(await refused.json()).toEqual({ error: { code: 'shutting_down', message: 'this API process is shutting down; retry the request' } });
});
