import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths that may carry secrets are censored wherever they appear in a log record. */
const redactedPaths = [
  'credentials',
  '*.credentials',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'password',
  '*.password',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-hub-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["webhook-signature"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'switchyard' } }, destination);
}
