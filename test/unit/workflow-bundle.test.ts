import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import ts from 'typescript';
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

/**
 * The engine's worker evaluates workflows/ once per workflow context and shares it between runs
 * (preloadModules, src/temporal/workflow-bundle-cache.ts): state at module scope would leak from
 * one run into the next. What module scope may hold besides declarations is listed here, audited.
 */
const auditedModuleState: Record<string, string[]> = {
  // The meter is reset before and after each synchronous evaluation (evaluateLogic's finally); the operator set is only read.
  'expr/logic.ts': ['const buildingOperators', 'jsonLogic.add_operation', 'jsonLogic.apply =', 'jsonLogic.rm_operation', 'let stepsLeft'],
  // A cache of parsed templates: the same text always parses to the same templates.
  'expr/template.ts': ['const parsed', 'engine.registerFilter'],
};

/** Top-level statements that can hold or change state: `let`/`var`, mutable containers, calls and assignments. */
function moduleState(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      const { flags } = statement.declarationList;
      const keyword = flags & ts.NodeFlags.Let ? 'let' : flags & ts.NodeFlags.Const ? 'const' : 'var';
      for (const d of statement.declarationList.declarations) {
        const init = d.initializer;
        const readonly = d.type?.getText().startsWith('readonly') ?? false;
        const container = init && ((ts.isArrayLiteralExpression(init) && !readonly) || (ts.isNewExpression(init) && /^(Map|WeakMap|Set|WeakSet)$/.test(init.expression.getText())));
        if (keyword !== 'const') found.add(`${keyword} ${d.name.getText()}`);
        else if (container) found.add(`const ${d.name.getText()}`);
      }
    } else if (ts.isExpressionStatement(statement)) {
      const e = statement.expression;
      if (ts.isCallExpression(e)) found.add(e.expression.getText());
      else if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) found.add(`${e.left.getText()} =`);
      else found.add(e.getText().slice(0, 40));
    }
  }
  return [...found].sort();
}

describe('workflows/ module scope (shared by every run of a workflow context)', () => {
  it('holds no state but the audited', () => {
    const actual = Object.fromEntries(
      sourceFiles(workflowsDir)
        .map((f) => [path.relative(workflowsDir, f), moduleState(f)] as const)
        .filter(([, state]) => state.length > 0),
    );
    expect(actual).toEqual(auditedModuleState);
  });

  it('the scan catches what it should', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'module-state-')), 'state.ts');
    writeFileSync(file, 'let runs = 0;\nconst seen = new Map();\nconst ids = new Set();\nconst list: string[] = [];\nconst kept: readonly string[] = [];\ncount();\nglobalThis.x = 1;\nexport function f() { let ok = 1; return ok; }\n');
    expect(moduleState(file)).toEqual(['const ids', 'const list', 'const seen', 'count', 'globalThis.x =', 'let runs']);
  });
});
