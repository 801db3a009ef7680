import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logging';

const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', // The SDK's INFO is build chatter (webpack output, state changes): shown only at debug.
  info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };

/** The least severe SDK level shown at the application's `level`. */
export function temporalLevelFor(level: string): LogLevel {
  return levels[level] ?? 'WARN';
}

/** Writes one SDK log entry to the application logger at the matching level. */
export function forwardTemporalEntry(logger: Logger, entry: LogEntry): void {
  const method = entry.level === 'TRACE' ? 'trace' : entry.level === 'DEBUG' ? 'debug' : entry.level === 'INFO' ? 'info' : entry.level === 'WARN' ? 'warn' : 'error';
  logger[method]({ temporal: entry.meta }, entry.message);
}

/**
 * Routes the Temporal SDK's own logs (worker state, bundling, activity failures) and those of its
 * native core (connection and poller errors, which otherwise go straight to stderr) through the
 * redacting application logger, at the application's level. Call once per process, before any
 * worker or native connection is created.
 */
export function installTemporalLogger(logger: Logger, level: string): void {
  const least = temporalLevelFor(level);
  Runtime.install({
    logger: new DefaultLogger(least, (entry) => forwardTemporalEntry(logger, entry)),
    telemetryOptions: { logging: { forward: {}, filter: { core: least, other: 'ERROR' } } },
  });
}
