import type http from 'node:http';
import { sendJson } from './errors';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * Wraps the app so that, once draining, a new request on a kept-alive connection is refused
 * (503 + Retry-After + Connection: close: the sender retries elsewhere or later) while requests
 * already being handled finish.
 */
export function drainingGate<A extends Handler>(app: A, front?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): { handler: Handler & { app: A }; start(): void } {
  let draining = false;
  const gate = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (!draining) {
      // `front` serves what it recognises (the webhook deliveries) before the app sees it.
      if (!front?.(req, res)) app(req, res);
      return;
    }
    sendJson(res, 503, { error: { code: 'shutting_down', message: 'this API process is shutting down; retry the request' } }, { 'Retry-After': '1', Connection: 'close' });
  };
  return {
    // The wrapped app stays reachable (e.g. to list its routes).
    handler: Object.assign(gate, { app }),
    start() {
      draining = true;
    },
  };
}

/**
 * Stops listening, closes idle keep-alive connections, waits for requests in flight to be
 * answered, and after `graceMs` closes whatever is still open.
 */
export function closeGracefully(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    // A connection that finishes its request while draining becomes idle: close it then, not at the deadline.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
