import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ActionCatalog } from '../../connectors/sdk/action-catalog';
import { compileRecipe, type CompileResult } from '../recipe/compile';
import { formatDiagnostic, type Diagnostic } from '../recipe/diagnostics';
import { compileSync, isSyncDefinition, type SyncCompileResult } from '../recipe/sync-compile';

export interface LoadedRecipe {
  file: string;
  source: unknown;
  result: CompileResult;
}

/** Recipe files named by the arguments: files as given, directories → their *.json (not recursive). */
export function expandRecipePaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name.endsWith('.json') && !name.endsWith('.event.json') && !name.endsWith('.schema.json')) files.push(path.join(p, name));
    } else files.push(p);
  }
  return files;
}

interface LoadedSync {
  file: string;
  source: unknown;
  result: SyncCompileResult;
}

/** A file beside the recipes: a recipe, or a sync definition (`"kind": "sync"`). */
export type LoadedDefinition = ({ kind: 'recipe' } & LoadedRecipe) | ({ kind: 'sync' } & LoadedSync);

function readJson(file: string): { source: unknown } | { problem: string } {
  try {
    return { source: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (err) {
    return { problem: err instanceof SyntaxError ? `invalid JSON: ${err.message}` : `cannot read: ${(err as Error).message}` };
  }
}

/** Reads and compiles each file as a recipe; unreadable or invalid JSON becomes a diagnostic on the file. */
export function loadRecipes(files: string[], catalog: ActionCatalog, connections?: Map<string, string>): LoadedRecipe[] {
  return files.map((file) => {
    const read = readJson(file);
    if ('problem' in read) return { file, source: undefined, result: { ok: false, diagnostics: [{ path: '', message: read.problem, severity: 'error' }] } };
    return { file, source: read.source, result: compileRecipe(read.source, { actions: catalog, connections }) };
  });
}

/** Reads and compiles each file as what it declares: a sync (`"kind": "sync"`) or a recipe. */
export function loadDefinitions(files: string[], catalog: ActionCatalog, connections?: Map<string, string>): LoadedDefinition[] {
  return files.map((file) => {
    const read = readJson(file);
    if ('problem' in read) return { kind: 'recipe', file, source: undefined, result: { ok: false, diagnostics: [{ path: '', message: read.problem, severity: 'error' }] } };
    if (isSyncDefinition(read.source)) return { kind: 'sync', file, source: read.source, result: compileSync(read.source, { connections }) };
    return { kind: 'recipe', file, source: read.source, result: compileRecipe(read.source, { actions: catalog, connections }) };
  });
}

/** Compiler-style lines (`file:path: message (suggestion)`) and the error count. */
export function reportDiagnostics(loaded: readonly { file: string; result: { diagnostics: readonly Diagnostic[] } }[]): { lines: string[]; errors: number; warnings: number } {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const { file, result } of loaded) {
    for (const d of result.diagnostics) {
      lines.push(formatDiagnostic(file, d));
      if (d.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { lines, errors, warnings };
}
