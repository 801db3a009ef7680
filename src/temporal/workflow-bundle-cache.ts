import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root';
import { bundleWorkflowsInThread, type BundleRequest } from './workflow-bundle-thread';

/** Where bundles are kept, one file per content key (git-ignored; `npm run build:workflows` fills it). */
export const defaultBundleCacheDir = path.join(projectRoot, '.cache', 'workflow-bundles');

/** The interpreter's workflows module. */
const engineWorkflowsPath = path.join(projectRoot, 'workflows', 'index.ts');

/** Bumped when what goes into a key changes. */
const keyFormat = 'switchyard-workflow-bundle/3';

export interface CachedBundle {
  code: string;
  /** The content key: a hash of every source file the bundle is built from and the locked dependencies. */
  key: string;
  /** True when the bundle came from the cache, false when it was built now. */
  cached: boolean;
}

export interface BundleCacheOptions {
  /** Default `defaultBundleCacheDir`. */
  dir?: string;
  /** Told when a built bundle cannot be written (a read-only install): the worker runs it anyway. */
  onWriteError?: (err: unknown) => void;
}

/**
 * The engine's whole workflow module graph is evaluated once per workflow context, not once per run
 * (by default the SDK gives every run its own copy of each module it imports). Per run, evaluating
 * the interpreter, its expression engines (a liquidjs engine, json-logic's operator table) and the
 * other workflows was ~12 % of the worker's CPU per run (18.6 → 16.4 ms in `npm run bench -- overhead`,
 * bench/RESULTS.md "Issue #13 runs, worker flags, quiet A/B"); liquidjs alone
 * (184 kB), when it ran per run, made V8 optimise its module body as hot code: one ~58 MB compiler
 * allocation mid-load, the worker's peak RSS (bench/README.md "Memory").
 * Sharing is safe only for modules without per-run state at module scope: a run's state lives in its
 * workflow function; test/unit/workflow-bundle.test.ts holds workflows/ to that.
 */
const enginePreloadModules = [engineWorkflowsPath];

/** What the engine's worker bundles: the interpreter's workflows (or `entry`) with the target's converters. */
export function engineBundleRequest(entry: string | undefined, converters: { failureConverterPath?: string; payloadConverterPath?: string } | undefined): BundleRequest {
  return {
    workflowsPath: entry ?? engineWorkflowsPath,
    failureConverterPath: converters?.failureConverterPath,
    payloadConverterPath: converters?.payloadConverterPath,
    ...(entry === undefined ? { preloadModules: enginePreloadModules } : {}),
  };
}

/**
 * The workflow bundle for `request`, built once per content: the key hashes the workflow sources
 * (the entry and every file it imports by a relative path, transitively), the converters, the
 * lockfile and the SDK version, so a bundle on disk is used only when it was built from exactly the
 * code the worker would bundle now; otherwise it is built (in a short-lived thread) and stored.
 */
export async function cachedWorkflowBundle(request: BundleRequest, opts: BundleCacheOptions = {}): Promise<CachedBundle> {
  const dir = opts.dir ?? defaultBundleCacheDir;
  const key = workflowBundleKey(request);
  const file = path.join(dir, `${key}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8'), key, cached: true };
  const { code } = await bundleWorkflowsInThread(request);
  try {
    mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a reader never sees half a bundle under its key.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  } catch (err) {
    opts.onWriteError?.(err);
  }
  return { code, key, cached: false };
}

/** The content key of the bundle `request` would build. */
export function workflowBundleKey(request: BundleRequest): string {
  const hash = createHash('sha256').update(keyFormat).update('\0');
  const entries = [request.workflowsPath, request.failureConverterPath, request.payloadConverterPath];
  // Which converter slot a file fills is part of the bundle, not only its content.
  hash.update(entries.map((e) => (e ? path.relative(projectRoot, e) : '-')).join('\0')).update('\0');
  hash.update((request.preloadModules ?? []).map((m) => path.relative(projectRoot, m)).join('\0')).update('\0');
  for (const file of localSources(entries.filter((e): e is string => e !== undefined))) {
    hash.update(path.relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const lockfile = path.join(projectRoot, 'package-lock.json');
  if (existsSync(lockfile)) hash.update(readFileSync(lockfile));
  hash.update(sdkVersion());
  return hash.digest('hex').slice(0, 32);
}

const relativeImport = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** The entries and every file they reach through relative imports, sorted. */
function localSources(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(relativeImport)) {
      const target = resolveLocal(path.resolve(path.dirname(file), match[1]!));
      if (target) queue.push(target);
    }
  }
  return [...seen].sort();
}

function resolveLocal(base: string): string | undefined {
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function sdkVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }).version;
}
