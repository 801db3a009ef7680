import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/http/console';
import { call, serve } from '../support/api-harness';

describe('the console at /', () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'switchyard-console-'));
  let built: { url: string; close(): Promise<void> };
  let unbuilt: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    built = await serve([consoleRoutes(dist)]);
    unbuilt = await serve([consoleRoutes(path.join(dist, 'missing'))]);
  });
  afterAll(async () => {
    await built.close();
    await unbuilt.close();
  });

  it('serves index.html for console paths, with a same-origin-only CSP', async () => {
    for (const p of ['/', '/apps/store', '/apps/intercom-main', '/tokens']) {
      const page = await call(built.url, 'GET', p, { headers: { accept: 'text/html' } });
      expect(page.status, p).toBe(200);
      expect(page.body).toContain('<title>console</title>');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets for a year and never answers reserved paths or missing assets with the page', async () => {
    const asset = await call(built.url, 'GET', '/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const p of ['/api/v1/nothing', '/hooks/x', '/healthz', '/readyz', '/metrics', '/openapi.json', '/codec/decode', '/oauth/callback', '/assets/gone.js']) {
      const answer = await call(built.url, 'GET', p, { headers: { accept: 'text/html' } });
      // /healthz, /readyz and /metrics answer for themselves (createApp mounts them first); the rest are 404 JSON.
      expect(JSON.stringify(answer.body), p).not.toContain('<title>console</title>');
      if (!/^\/(healthz|readyz|metrics)$/.test(p)) expect(answer.body.error.code, p).toBe('not_found');
    }
  });

  it('says how to build the console when it is not built', async () => {
    const answer = await call(unbuilt.url, 'GET', '/', { headers: { accept: 'text/html' } });
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ code: 'console_not_built' });
  });
});
