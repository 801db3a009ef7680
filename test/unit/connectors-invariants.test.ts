import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../connectors/registry';
import { connectorCategories } from '../../connectors/sdk/types';

const root = path.join(__dirname, '../../connectors');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('registry invariants', () => {
  it('every connector folder is registered, and every registered connector has a folder', () => {
    const folders = readdirSync(root).filter((f) => f !== 'sdk' && statSync(path.join(root, f)).isDirectory());
    expect(folders.sort()).toEqual(registry.listConnectors().map((c) => c.id).sort());
  });

  it('connectors are well-formed: category, titles, descriptions, samples', () => {
    for (const c of registry.listConnectors()) {
      expect(connectorCategories, c.id).toContain(c.category);
      expect(c.description.length, c.id).toBeGreaterThan(10);
      for (const a of Object.values(c.actions)) {
        expect(a.title && a.description, `${c.id}.${a.key}`).toBeTruthy();
        expect(registry.getAction(`${c.id}.${a.key}`)?.action).toBe(a);
      }
    }
  });

  it('an action states its effect once: no action file sets `idempotent`, which follows from the effect (connectors/sdk/action.ts)', () => {
    const stating = filesUnder(root)
      .filter((f) => !f.includes(`${path.sep}sdk${path.sep}`) && /^\s+idempotent: (true|false)/m.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    expect(stating).toEqual([]);
    for (const c of registry.listConnectors()) {
      for (const a of Object.values(c.actions)) expect(a.idempotent, `${c.id}.${a.key}`).toBe(a.effect.kind === 'none' || a.effect.kind === 'idempotencyKey');
    }
  });

  it('every webhook source rejects a delivery that carries no signature or token', () => {
    const secrets = { clientSecret: 's'.repeat(32), token: 't'.repeat(32), signingSecret: 'k'.repeat(32), secret: 'x'.repeat(32) };
    const sources = registry.listConnectors().filter((c) => c.webhookSource);
    expect(sources.length).toBeGreaterThanOrEqual(2);
    for (const c of sources) {
      const verdict = c.webhookSource!.verify({ rawBody: Buffer.from('{"id":"1","topic":"x"}'), headers: { 'content-type': 'application/json' } }, secrets, new Date());
      expect(verdict.ok, c.id).toBe(false);
      const noSecret = c.webhookSource!.verify({ rawBody: Buffer.from('{}'), headers: {}, pathToken: 'whatever' }, {}, new Date());
      expect(noSecret.ok, `${c.id} without a configured secret`).toBe(false);
    }
  });

  it('connectors reach the network only through the SDK client (no direct HTTP libraries)', () => {
    const forbidden = [/from ['"]undici['"]/, /from ['"](node:)?https?['"]/, /from ['"]axios['"]/, /from ['"]node-fetch['"]/, /\bfetch\(/, /from ['"](node:)?net['"]/];
    const offenders: string[] = [];
    for (const file of filesUnder(root).filter((f) => !f.includes(`${path.sep}sdk${path.sep}`))) {
      const text = readFileSync(file, 'utf8');
      for (const re of forbidden) if (re.test(text)) offenders.push(`${path.relative(root, file)}: ${re}`);
    }
    expect(offenders).toEqual([]);
  });
});
