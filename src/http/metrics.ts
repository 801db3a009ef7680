import { Router } from 'express';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/** One Prometheus registry per process, exposed at GET /metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'switchyard_' });

export const inboundDeliveries = new Counter({
  name: 'switchyard_inbound_deliveries_total',
  help: 'Inbound webhook deliveries by outcome (accepted, duplicate, unmatched, rejected, unavailable)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const runsStarted = new Counter({
  name: 'switchyard_runs_started_total',
  help: 'Recipe runs accepted by Temporal, by trigger type',
  labelNames: ['trigger'] as const,
  registers: [metricsRegistry],
});

export function metricsRoutes(): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  });
  return router;
}
