import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cachedWorkflowBundle, workflowBundleKey } from '../../src/temporal/workflow-bundle-cache';

const root = mkdtempSync(path.join(tmpdir(), 'switchyard-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('a bundle is built once per content: the worker reuses it, and a change to any imported workflow file builds a new one', { timeout: 120_000 }, async () => {
  // A workflows module outside the repository that resolves the SDK from the repository's node_modules.
  symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), path.join(root, 'node_modules'));
  const dir = path.join(root, 'cache');
  const entry = path.join(root, 'workflows', 'index.ts');
  mkdirSync(path.dirname(entry));
  writeFileSync(entry, "import { answer } from './answer';\nexport async function hello(): Promise<string> {\n  return answer;\n}\n");
  const answer = (text: string) => writeFileSync(path.join(root, 'workflows', 'answer.ts'), `export const answer = '${text}';\n`);
  answer('answer-one');

  const first = await cachedWorkflowBundle({ workflowsPath: entry }, { dir });
  expect(first).toMatchObject({ cached: false });
  expect(first.code).toContain('answer-one');
  // Its inline source map maps to the workflow files (stack traces) without carrying their text,
  // which the worker would hold twice (main thread and workflow thread).
  const map = JSON.parse(Buffer.from(first.code.slice(first.code.lastIndexOf('base64,') + 'base64,'.length), 'base64').toString()) as { sources: string[]; mappings: string; sourcesContent?: unknown };
  expect(map.sources).toContain(entry);
  expect(map.mappings.length).toBeGreaterThan(0);
  expect(map.sourcesContent).toBeUndefined();
  const again = await cachedWorkflowBundle({ workflowsPath: entry }, { dir });
  expect(again).toMatchObject({ cached: true, key: first.key, code: first.code });

  // The file changed is not the entry: only an import reaches it.
  answer('answer-two');
  expect(workflowBundleKey({ workflowsPath: entry })).not.toBe(first.key);
  const changed = await cachedWorkflowBundle({ workflowsPath: entry }, { dir });
  expect(changed.cached).toBe(false);
  expect(changed.code).toContain('answer-two');
  expect(changed.code).not.toContain('answer-one');
  expect(readdirSync(dir).sort()).toEqual([`${first.key}.js`, `${changed.key}.js`].sort());
});
