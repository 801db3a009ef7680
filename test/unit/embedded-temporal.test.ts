import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startEmbeddedTemporal } from '../../src/runtime/embedded-temporal';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A stand-in for the Temporal CLI that writes down its arguments and exits, so the start fails after the spawn. */
function recordingCli(): { dir: string; cli: string; args: () => string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-embedded-'));
  dirs.push(dir);
  const cli = path.join(dir, 'temporal');
  const argsFile = path.join(dir, 'args');
  writeFileSync(cli, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nexit 3\n`);
  chmodSync(cli, 0o755);
  return { dir, cli, args: () => readFileSync(argsFile, 'utf8').trim().split('\n') };
}

/** The values the embedded server was given for `flag`, in order, and the data dir it was started with. */
async function embeddedServerFlags(env: Record<string, string>, flag: string): Promise<{ values: string[]; dataDir: string }> {
  const { dir, cli, args } = recordingCli();
  const config = parseConfig({ ...env, TEMPORAL_CLI: cli, SWITCHYARD_DATA_DIR: dir });
  await expect(startEmbeddedTemporal(config, createLogger('silent'))).rejects.toThrow(/exited during start/);
  const given = args();
  return { values: given.flatMap((arg, i) => (given[i - 1] === flag ? [arg] : [])), dataDir: dir };
}

it('runs the embedded server on its SQLite file in WAL mode, fsynced per commit unless told otherwise', async () => {
  const db = await embeddedServerFlags({}, '--db-filename');
  expect(db.values).toEqual([path.join(db.dataDir, 'temporal.db')]);
  expect((await embeddedServerFlags({}, '--sqlite-pragma')).values).toEqual(['journal_mode=wal', 'synchronous=full']);
  expect((await embeddedServerFlags({ SWITCHYARD_TEMPORAL_SQLITE_SYNC: 'normal' }, '--sqlite-pragma')).values).toEqual(['journal_mode=wal', 'synchronous=normal']);
});

it('gives the embedded server SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG as dynamic config values, and none by default', async () => {
  expect((await embeddedServerFlags({}, '--dynamic-config-value')).values).toEqual([]);
  const env = { SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG: 'history.transferProcessorMaxPollRPS=100, frontend.enableUpdateWorkflowExecution=true,limit.blobSize.warn="1mb"' };
  expect((await embeddedServerFlags(env, '--dynamic-config-value')).values).toEqual(['history.transferProcessorMaxPollRPS=100', 'frontend.enableUpdateWorkflowExecution=true', 'limit.blobSize.warn="1mb"']);
});

it.each(['history.transferProcessorMaxPollRPS', 'history.transferProcessorMaxPollRPS=fast', '=100', 'a b=1', 'x={"a":1}'])(
  'refuses SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG=%j naming the pair and the grammar',
  (value) => {
    expect(() => parseConfig({ SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG: value })).toThrow(ConfigError);
    expect(() => parseConfig({ SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG: value })).toThrow(
      `SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG: expected a comma list of KEY=VALUE, each VALUE a JSON number, boolean or "string" (e.g. history.transferProcessorMaxPollRPS=100); ${JSON.stringify(value)} is not one`,
    );
  },
);
