import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root';
import { cachedWorkflowBundle, engineBundleRequest, workflowBundleKey } from '../../src/temporal/workflow-bundle-cache';

const root = mkdtempSync(path.join(tmpdir(), 'switchyard-bundle-preload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('the engine bundle evaluates its liquidjs module once per workflow context (preloaded); another entry preloads nothing', { timeout: 120_000 }, async () => {
  const engine = engineBundleRequest(undefined, undefined);
  expect(engine.preloadModules).toEqual([path.join(projectRoot, 'workflows', 'expr', 'liquid.ts')]);
  const dir = path.join(root, 'preload');
  const other = path.join(dir, 'workflows', 'index.ts');
  expect(engineBundleRequest(other, undefined).preloadModules).toBeUndefined();
  expect(workflowBundleKey({ ...engine, preloadModules: [] })).not.toBe(workflowBundleKey(engine));

  // What the SDK runs before any workflow exists: a require of the preloaded module (webpack would drop
  // a bare require of liquidjs itself, which declares no side effects).
  mkdirSync(path.dirname(other), { recursive: true });
  symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'));
  const shared = path.join(dir, 'workflows', 'shared.ts');
  writeFileSync(shared, "export const shared = 'shared-module';\n");
  writeFileSync(other, "import { shared } from './shared';\nexport async function hello(): Promise<string> {\n  return shared;\n}\n");
  const bundle = await cachedWorkflowBundle({ workflowsPath: other, preloadModules: [shared] }, { dir: path.join(dir, 'cache') });
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(bundle.code)?.[1];
  expect(preload).toMatch(/__webpack_require__\(.*shared\.ts"\)/);
});
