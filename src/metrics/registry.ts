import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per process, exposed at GET /metrics (src/http/metrics.ts). It sits
 * below every layer that counts something, so the engine, outgoing webhooks and activities
 * register their metrics here without reaching up into the HTTP layer.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'switchyard_' });
