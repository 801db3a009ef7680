import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { apiV1 } from '../../src/http/api';
import { AesGcmPayloadCodec, deriveCodecKeys } from '../../src/security/payload-codec';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { openTestStore, storeBackends } from '../support/stores';
import { call, serve } from '../support/api-harness';

const ui = 'http://localhost:8233';

describe('codec endpoint for the Temporal Web UI', () => {
  let store: Store;
  let api: { url: string; close(): Promise<void> };
  let reader: string;
  let writer: string;
  let outsider: string;
  const codec = new AesGcmPayloadCodec(deriveCodecKeys([randomBytes(32)]));

  beforeAll(async () => {
    store = await openTestStore(storeBackends[0].url());
    const tokens = new TokenStore(store.db);
    api = await serve([apiV1({ tokens, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 0, codec: { codec, allowedOrigins: [ui] } }).router]);
    reader = (await tokens.create({ name: 'viewer', scopes: ['runs:read'] })).secret;
    writer = (await tokens.create({ name: 'operator', scopes: ['runs:write'] })).secret;
    outsider = (await tokens.create({ name: 'ci', scopes: ['recipes:write'] })).secret;
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  const wire = (p: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  });

  it('decodes what the engine encrypted for a token with runs:read, and encodes with runs:write', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ email: 'canary@example.com' })]);
    const decoded = await call(api.url, 'POST', '/codec/decode', { token: reader, body: { payloads: [wire(encrypted!)] }, headers: { origin: ui, 'x-namespace': 'default' } });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(ui);
    const back = decoded.body.payloads[0];
    expect(JSON.parse(Buffer.from(back.data, 'base64').toString('utf8'))).toEqual({ email: 'canary@example.com' });
    expect(Buffer.from(back.metadata.encoding, 'base64').toString('utf8')).toBe('json/plain');

    const encoded = await call(api.url, 'POST', '/codec/encode', { token: writer, body: { payloads: [back] } });
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString('utf8')).toBe('binary/encrypted');
  });

  it('takes the token from the endpoint path, as the Web UI is configured per person', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload('from the UI')]);
    const decoded = await call(api.url, 'POST', `/codec/t/${reader}/decode`, { body: { payloads: [wire(encrypted!)] }, headers: { origin: ui } });
    expect(decoded.status).toBe(200);
    expect(JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8'))).toBe('from the UI');
    expect((await call(api.url, 'POST', `/codec/t/${outsider}/decode`, { body: { payloads: [] } })).status).toBe(403);
    expect((await call(api.url, 'POST', `/codec/t/sy_not-a-token/decode`, { body: { payloads: [] } })).status).toBe(401);
  });

  it('is closed to anonymous callers, other scopes and other origins', async () => {
    const body = { payloads: [] };
    expect((await call(api.url, 'POST', '/codec/decode', { body })).status).toBe(401);
    const denied = await call(api.url, 'POST', '/codec/decode', { token: outsider, body });
    expect(denied).toMatchObject({ status: 403, body: { error: { details: { required: 'runs:read' } } } });
    expect((await call(api.url, 'POST', '/codec/encode', { token: reader, body })).status).toBe(403);
    const evil = await call(api.url, 'POST', '/codec/decode', { token: reader, body, headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the browser preflight for the UI origin only', async () => {
    const preflight = await fetch(`${api.url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: ui, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ui);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const other = await fetch(`${api.url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('names a payload it cannot decode', async () => {
    const [foreign] = await new AesGcmPayloadCodec(deriveCodecKeys([randomBytes(32)])).encode([defaultPayloadConverter.toPayload('x')]);
    const answer = await call(api.url, 'POST', '/codec/decode', { token: reader, body: { payloads: [wire(foreign!)] } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toContain('no payload key with id');
  });
});
