import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { keyIdOf, loadSecretKey } from './secret-box';

const PREVIOUS_FILE = 'secret.keys.previous';

/**
 * `[current, ...previous]`: the current key seals, every key opens. The current key is
 * SWITCHYARD_SECRET_KEY (or the embedded `data/secret.key`); previous keys come from
 * SWITCHYARD_SECRET_KEYS_PREVIOUS and, in embedded mode, `data/secret.keys.previous`.
 */
export function loadKeyRing(config: Pick<Config, 'SWITCHYARD_SECRET_KEY' | 'SWITCHYARD_SECRET_KEYS_PREVIOUS' | 'SWITCHYARD_DATA_DIR'>): Buffer[] {
  const current = loadSecretKey(config.SWITCHYARD_SECRET_KEY, config.SWITCHYARD_DATA_DIR);
  const previous: Buffer[] = config.SWITCHYARD_SECRET_KEYS_PREVIOUS.map((k) => Buffer.from(k, 'base64'));
  if (!config.SWITCHYARD_SECRET_KEY) previous.push(...readPreviousFile(config.SWITCHYARD_DATA_DIR));
  const seen = new Set<string>();
  return [current, ...previous].filter((key) => {
    const id = keyIdOf(key);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Embedded mode: makes a new `data/secret.key` and keeps the old one in
 * `data/secret.keys.previous` (both mode 0600), so the old key still opens what it sealed.
 */
export function rotateKeyFile(dataDir: string): { current: Buffer; retired: Buffer } {
  const file = path.join(dataDir, 'secret.key');
  if (!existsSync(file)) throw new Error(`no key file at ${file}; start switchyard once first`);
  const retired = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const current = randomBytes(32);
  const previousFile = path.join(dataDir, PREVIOUS_FILE);
  const kept = [retired, ...readPreviousFile(dataDir)].map((k) => k.toString('base64'));
  writeFileSync(previousFile, kept.join('\n') + '\n', { mode: 0o600 });
  chmodSync(previousFile, 0o600);
  const staging = `${file}.new`;
  writeFileSync(staging, current.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(staging, 0o600);
  renameSync(staging, file);
  return { current, retired };
}

function readPreviousFile(dataDir: string): Buffer[] {
  const file = path.join(dataDir, PREVIOUS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => Buffer.from(l, 'base64'));
}
