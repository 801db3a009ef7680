import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, parseConfig } from '../../src/config/config';
import { engineSearchAttributes } from '../../src/temporal/search-attributes';

const root = path.resolve(__dirname, '..', '..');
// `<<: *anchor` merges are resolved by the yaml parser with `merge: true`.
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: string; command?: string[] | string; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; ports?: string[] }>;
};

describe('docker-compose.yml (read, not run: no Docker engine here)', () => {
  const services = compose.services;

  it('has the production-shaped services', () => {
    expect(Object.keys(services).sort()).toEqual(['postgresql', 'switchyard-api', 'switchyard-worker', 'temporal', 'temporal-setup', 'temporal-ui']);
  });

  it('pins every image to an exact version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/:[0-9][\w.-]*$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('runs Temporal on PostgreSQL and registers every engine search attribute', () => {
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services.temporal!.depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });
    const setup = JSON.stringify(services['temporal-setup']!.command);
    for (const key of engineSearchAttributes) expect(setup).toContain(`${key.name}:`);
  });

  it('starts the API and worker as separate processes with only variables the app reads, all valid', () => {
    expect(services['switchyard-api']!.command).toEqual(['api']);
    expect(services['switchyard-worker']!.command).toEqual(['worker']);
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of ['switchyard-api', 'switchyard-worker']) {
      const env = services[name]!.environment!;
      for (const variable of Object.keys(env)) expect(known, `${name}: ${variable}`).toContain(variable);
      const concrete = { ...env, SWITCHYARD_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') };
      const config = parseConfig(concrete);
      expect(config.embeddedTemporal).toBe(false);
      expect(config.databaseUrl).toMatch(/^postgres:\/\/.+@postgresql:5432\//);
      expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(services[name]!.depends_on).toMatchObject({ 'temporal-setup': { condition: 'service_completed_successfully' } });
    }
    expect(services['switchyard-api']!.ports).toContain('3000:3000');
  });

  it('keeps the Temporal control plane off the host: no gRPC port, the UI on loopback only', () => {
    expect(services.temporal!.ports).toBeUndefined();
    for (const [name, service] of Object.entries(services)) {
      if (name === 'switchyard-api') continue;
      for (const port of service.ports ?? []) expect(port, `${name} publishes ${port}`).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('requires the secret key instead of defaulting it', () => {
    expect(services['switchyard-api']!.environment!.SWITCHYARD_SECRET_KEY).toMatch(/^\$\{SWITCHYARD_SECRET_KEY:\?/);
  });
});
