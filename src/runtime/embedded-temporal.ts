import path from 'node:path';
import { requireBinary, TEMPORAL_CLI } from '../temporal/cli-resolver';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import type { Config } from '../config/config';
import type { Logger } from '../logging';

export type SqliteSync = Config['SWITCHYARD_TEMPORAL_SQLITE_SYNC'];

/**
 * Write-ahead log instead of SQLite's rollback journal: each commit is one append of the WAL rather
 * than journal + database writes. `full` (the default) fsyncs every commit, so an accepted start
 * survives a power loss; `normal` fsyncs only at checkpoints: it survives a process crash but may
 * lose the last commits on a power loss or kernel panic (README, Performance, for both figures).
 */
export function embeddedSqlitePragmas(sync: SqliteSync): string[] {
  return ['journal_mode=wal', `synchronous=${sync}`];
}

/** The embedded Temporal dev server: SQLite under the data dir, Web UI, engine search attributes, SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG. */
export function startEmbeddedTemporal(config: Config, logger: Logger): Promise<DevServer> {
  const cliPath = requireBinary(TEMPORAL_CLI, { ...process.env, ...(config.TEMPORAL_CLI ? { TEMPORAL_CLI: config.TEMPORAL_CLI } : {}) });
  return startDevServer({
    cliPath,
    ip: '127.0.0.1',
    port: config.TEMPORAL_DEV_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    dbFile: path.join(config.SWITCHYARD_DATA_DIR, 'temporal.db'),
    sqlitePragmas: embeddedSqlitePragmas(config.SWITCHYARD_TEMPORAL_SQLITE_SYNC),
    dynamicConfig: config.SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG,
    pidFile: path.join(config.SWITCHYARD_DATA_DIR, 'temporal.pid'),
    log: (line) => logger.debug({ temporal: line }, 'temporal dev server'),
  });
}
