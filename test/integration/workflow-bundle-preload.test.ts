import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root';
import { failureConverterPath } from '../../src/security/payload-codec';
import { cachedWorkflowBundle, engineBundleRequest, workflowBundleKey } from '../../src/temporal/workflow-bundle-cache';

const root = mkdtempSync(path.join(tmpdir(), 'switchyard-bundle-preload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('the engine bundle evaluates its workflow modules once per workflow context (preloaded); another entry preloads nothing', { timeout: 120_000 }, async () => {
  const engine = engineBundleRequest(undefined, undefined);
  expect(engine.preloadModules).toEqual([path.join(projectRoot, 'workflows', 'index.ts')]);
  const dir = path.join(root, 'preload');
  const other = path.join(dir, 'workflows', 'index.ts');
  expect(engineBundleRequest(other, undefined).preloadModules).toBeUndefined();
  expect(workflowBundleKey({ ...engine, preloadModules: [] })).not.toBe(workflowBundleKey(engine));
  // The engine's own bundle, as the worker runs it: webpack kept the require of its entry.
  const worker = engineBundleRequest(undefined, { failureConverterPath });
  expect(preloadedBy((await cachedWorkflowBundle(worker)).code)).toMatch(/__webpack_require__\(.*"\.\/workflows\/index\.ts"\)/);

  // Another entry: what the SDK runs before any workflow exists is a require of the preloaded module.
  mkdirSync(path.dirname(other), { recursive: true });
  symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'));
  const shared = path.join(dir, 'workflows', 'shared.ts');
  writeFileSync(shared, "export const shared = 'shared-module';\n");
  writeFileSync(other, "import { shared } from './shared';\nexport async function hello(): Promise<string> {\n  return shared;\n}\n");
  const bundle = await cachedWorkflowBundle({ workflowsPath: other, preloadModules: [shared] }, { dir: path.join(dir, 'cache') });
  expect(preloadedBy(bundle.code)).toMatch(/__webpack_require__\(.*shared\.ts"\)/);
});

const preloadedBy = (code: string) => /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1];
