import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../connectors/registry';

const root = path.join(__dirname, '../../connectors');
const folders = readdirSync(root).filter((f) => f !== 'sdk' && statSync(path.join(root, f)).isDirectory());

describe('every connector folder has the same shape (docs/connectors.md)', () => {
  for (const id of folders) {
    it(`${id}: index.ts, auth.ts, vendor.ts; the definition imports its auth and vendor profile; a webhook source lives in webhook-source.ts`, () => {
      const dir = path.join(root, id);
      const files = readdirSync(dir);
      expect(files).toEqual(expect.arrayContaining(['index.ts', 'auth.ts', 'vendor.ts']));
      const index = readFileSync(path.join(dir, 'index.ts'), 'utf8');
      expect(index).toMatch(/from '\.\/auth'/);
      expect(index).toMatch(/from '\.\/vendor'/);
      expect(index, 'the vendor profile is defined in vendor.ts, not inline').not.toMatch(/vendor:\s*\{/);
      const hasSource = registry.getConnector(id)?.webhookSource !== undefined;
      expect(existsSync(path.join(dir, 'webhook-source.ts')), 'webhook-source.ts exists exactly when the connector receives webhooks').toBe(hasSource);
      expect(files.filter((f) => f.endsWith('source.ts') && f !== 'webhook-source.ts')).toEqual([]);
    });
  }
});
