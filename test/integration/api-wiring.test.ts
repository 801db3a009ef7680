import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { parseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { loadKeyRing } from '../../src/security/key-ring';
import { AesGcmPayloadCodec, deriveCodecKeys } from '../../src/security/payload-codec';
import type { Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { call } from '../support/api-harness';

describe('management API as startApi mounts it', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-wiring-'));
  const admin = `admin-${randomBytes(24).toString('hex')}`;
  const config = parseConfig({
    PORT: '0',
    SWITCHYARD_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `wiring-${randomBytes(4).toString('hex')}`,
    SWITCHYARD_ADMIN_TOKEN: admin,
    SWITCHYARD_API_RATE_LIMIT: '500',
    SWITCHYARD_IDENTITY_SECRET: 'identity-secret-for-wiring',
    LOG_LEVEL: 'silent',
  });
  let store: Store;
  let client: Client;
  let api: ApiHandle;

  beforeAll(async () => {
    store = await openConfiguredStore(config);
    client = await connectClient(temporalTarget(config));
    api = await startApi({ config, logger: createLogger('silent'), store, client });
  });
  afterAll(async () => {
    await api.close();
    await client.connection.close();
    await store.close();
  });

  it('installs SWITCHYARD_ADMIN_TOKEN, applies the configured rate limit and serves the real connectors', async () => {
    const listed = await call(api.url, 'GET', '/api/v1/connections', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-ratelimit-limit')).toBe('500');

    const bad = await call(api.url, 'POST', '/api/v1/connections', { token: admin, body: { id: 'intercom-main', connector: 'intercom', name: 'Intercom', credentials: { accessToken: 42 } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/^body\.credentials\.accessToken: /);

    const created = await call(api.url, 'POST', '/api/v1/connections', { token: admin, body: { id: 'intercom-main', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: 's3cret' } } });
    expect(created.status).toBe(201);
    expect(created.body.webhookUrl).toBe(`${api.url}/hooks/intercom-main`);

    // The waiting-runs count is a real visibility query on the dev server.
    const shown = await call(api.url, 'GET', '/api/v1/connections/intercom-main', { token: admin });
    expect(shown.body.waitingRuns).toBe(0);

    expect((await call(api.url, 'POST', '/api/v1/identity/hash', { token: admin, body: { user_id: 'u1' } })).body.user_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await call(api.url, 'GET', '/openapi.json')).body.paths['/api/v1/events'].post).toBeDefined();
  });

  it('serves the codec endpoint with the process key ring for the UI origin', async () => {
    const codec = new AesGcmPayloadCodec(deriveCodecKeys(loadKeyRing(config)));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ hello: 'world' })]);
    const wire = { metadata: Object.fromEntries(Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(sealed!.data!).toString('base64') };
    const decoded = await call(api.url, 'POST', '/codec/decode', { token: admin, body: { payloads: [wire] }, headers: { origin: 'http://localhost:8233' } });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8'))).toEqual({ hello: 'world' });
  });
});
