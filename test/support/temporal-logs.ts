import { DefaultLogger, IllegalStateError, Runtime, type LogLevel } from '@temporalio/worker';
import { createLogger, type Logger } from '../../src/logging';
import { forwardTemporalEntry, temporalLevelFor } from '../../src/temporal/runtime-logger';

const severity: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
let target: { logger: Logger; least: LogLevel } | undefined;

/** The tests' log level: silent unless SWITCHYARD_TEST_LOG_LEVEL asks for more (e.g. `debug` while chasing a failure). */
export function testLogLevel(): string {
  return process.env.SWITCHYARD_TEST_LOG_LEVEL || 'silent';
}

/**
 * Sends the Temporal SDK's logs in this test process to `logger`, filtered as production's
 * runtime logger filters them at `level` (so LOG_LEVEL=silent means a quiet test). The core's own
 * lines (the time-skipping server's "Temporal Server 1.16.0 or newer is required…" warning) are
 * forwarded too instead of going straight to stderr. The SDK's runtime is a process singleton:
 * it is installed once (again after it shut down when idle) and later calls only re-point it.
 */
export function routeTemporalLogs(logger: Logger, level: string): void {
  target = { logger, least: temporalLevelFor(level) };
  try {
    Runtime.install({
      logger: new DefaultLogger('TRACE', (entry) => {
        if (target && severity[entry.level] >= severity[target.least]) forwardTemporalEntry(target.logger, entry);
      }),
      telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
    });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

/** The SDK's logs through a test logger at the tests' level: what every integration test file starts with. */
export function quietTemporal(): void {
  routeTemporalLogs(createLogger(testLogLevel()), testLogLevel());
}
