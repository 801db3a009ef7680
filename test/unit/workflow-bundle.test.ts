import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

const workflowsDir = path.resolve(__dirname, '../../workflows');

/** What workflows/ may import: the SDK's workflow-safe packages, pure libraries, and its own files. */
const allowedPackages = ['@temporalio/workflow', '@temporalio/common', 'json-logic-js', 'liquidjs'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    const specifier = m[3] ?? m[4] ?? m[5];
    if (specifier) found.push({ specifier, typeOnly: m[2] !== undefined });
  }
  return found;
}

describe('workflows/ determinism boundary', () => {
  it('imports only @temporalio/workflow, pure libraries and its own files (static scan)', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(workflowsDir)) {
      for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
        if (typeOnly) continue;
        const rel = path.relative(workflowsDir, file);
        if (specifier.startsWith('.')) {
          const target = path.resolve(path.dirname(file), specifier);
          if (!target.startsWith(workflowsDir + path.sep)) problems.push(`${rel}: ${specifier} leaves workflows/`);
        } else if (!allowedPackages.some((p) => specifier === p || specifier.startsWith(`${p}/`))) {
          problems.push(`${rel}: ${specifier} is not an allowed workflow import`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the scan catches what it should', () => {
    expect(importsOf("import { readFileSync } from 'node:fs';\nimport type { X } from '../src/x';\nconst a = require('crypto');")).toEqual([
      { specifier: 'node:fs', typeOnly: false },
      { specifier: '../src/x', typeOnly: true },
      { specifier: 'crypto', typeOnly: false },
    ]);
  });

  it('bundles with bundleWorkflowCode (a forbidden import fails here, not at worker start)', async () => {
    const warnings: string[] = [];
    const noop = () => undefined;
    const bundle = await bundleWorkflowCode({
      workflowsPath: path.join(workflowsDir, 'index.ts'),
      logger: { trace: noop, debug: noop, info: noop, log: noop, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) },
    });
    expect(bundle.code.length).toBeGreaterThan(1000);
    expect(bundle.code).toContain('runRecipe');
    expect(bundle.code).toContain('syncWorkflow');
    expect(warnings).toEqual([]);
  }, 120_000);

  it('refuses a workflow that imports a node built-in', async () => {
    const noop = () => undefined;
    await expect(
      bundleWorkflowCode({
        workflowsPath: path.resolve(__dirname, '../fixtures/bad-workflow.ts'),
        logger: { trace: noop, debug: noop, info: noop, log: noop, warn: noop, error: noop },
      }),
    ).rejects.toThrow(/Webpack finished with errors/);
  }, 120_000);
});
