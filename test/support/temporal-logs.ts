import { DefaultLogger, IllegalStateError, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../../src/logging';
import { forwardTemporalEntry, temporalLevelFor } from '../../src/temporal/runtime-logger';

const severity: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
let target: { logger: Logger; least: LogLevel } | undefined;

/**
 * Sends the Temporal SDK's logs in this test process to `logger`, filtered as production's
 * runtime logger filters them at `level` (so LOG_LEVEL=silent means a quiet test). The SDK's
 * runtime is a process singleton: it is installed once (again after it shut down when idle) and
 * later calls only re-point it. A file that already installed its own runtime keeps it.
 */
export function routeTemporalLogs(logger: Logger, level: string): void {
  target = { logger, least: temporalLevelFor(level) };
  try {
    Runtime.install({
      logger: new DefaultLogger('TRACE', (entry) => {
        if (target && severity[entry.level] >= severity[target.least]) forwardTemporalEntry(target.logger, entry);
      }),
    });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
