import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ActionCatalog } from '../../connectors/sdk/action-catalog';
import { compileRecipe, type CompileResult } from '../recipe/compile';
import { formatDiagnostic } from '../recipe/diagnostics';

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

/** Reads and compiles each file; unreadable or invalid JSON becomes a diagnostic on the file. */
export function loadRecipes(files: string[], catalog: ActionCatalog, connections?: Map<string, string>): LoadedRecipe[] {
  return files.map((file) => {
    let source: unknown;
    try {
      source = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const message = err instanceof SyntaxError ? `invalid JSON: ${err.message}` : `cannot read: ${(err as Error).message}`;
      return { file, source: undefined, result: { ok: false, diagnostics: [{ path: '', message, severity: 'error' }] } };
    }
    return { file, source, result: compileRecipe(source, { actions: catalog, connections }) };
  });
}

/** Compiler-style lines (`file:path: message (suggestion)`) and the error count. */
export function reportDiagnostics(loaded: LoadedRecipe[]): { lines: string[]; errors: number; warnings: number } {
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
