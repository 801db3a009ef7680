import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logging';

const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', // The SDK's INFO is build chatter (webpack output, state changes): shown only at debug.
  info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };

/**
 * Routes the Temporal SDK's own logs (worker state, bundling, activity failures) through the
 * redacting application logger, at the application's level. Call once per process, before any
 * worker or native connection is created.
 */
export function installTemporalLogger(logger: Logger, level: string): void {
  const temporalLevel = levels[level] ?? 'WARN';
  Runtime.install({
    logger: new DefaultLogger(temporalLevel, (entry) => {
      const method = entry.level === 'TRACE' ? 'trace' : entry.level === 'DEBUG' ? 'debug' : entry.level === 'INFO' ? 'info' : entry.level === 'WARN' ? 'warn' : 'error';
      logger[method]({ temporal: entry.meta }, entry.message);
    }),
  });
}
