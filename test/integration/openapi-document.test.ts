import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api-harness';
import { startTestEngine, type TestEngine } from '../support/engine';

/** The document a client generator would read, from the running API, against the official OpenAPI 3.1 schema. */
// The validator is an ES module; this project compiles to CommonJS.
const validate = async (document: Record<string, unknown>) => new (await import('@seriousme/openapi-schema-validator')).Validator().validate(document);

describe('GET /openapi.json', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('openapi', { PUBLIC_URL: 'https://switchyard.example.com' });
  }, 120_000);
  afterAll(() => engine?.stop());

  it('validates against the OpenAPI 3.1 schema and names its server and license', async () => {
    const { status, body } = await call(engine.api.url, 'GET', '/openapi.json');
    expect(status).toBe(200);
    const result = await validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(body.openapi).toBe('3.1.0');
    expect(body.servers).toEqual([{ url: 'https://switchyard.example.com', description: 'PUBLIC_URL' }]);
    expect(body.info.license).toEqual({ name: 'Apache-2.0', identifier: 'Apache-2.0' });
    expect(Object.keys(body.paths).length).toBeGreaterThan(20);
  });

  it('a broken document fails the same validation (the check can fail)', async () => {
    const { body } = await call(engine.api.url, 'GET', '/openapi.json');
    const broken = { ...body, info: { ...body.info, license: { identifier: 'Apache-2.0' } } };
    expect((await validate(broken)).valid).toBe(false);
  });
});
