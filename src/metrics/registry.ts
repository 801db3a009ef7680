import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process, exposed at GET /metrics (src/http/metrics.ts). It sits
 * below every layer that counts something, so the engine, outgoing webhooks and activities
 * register their metrics here without reaching up into the HTTP layer.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'switchyard_' });

/** A counter registered in the process registry (names start with `switchyard_`). */
export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [metricsRegistry] });
}

/** A histogram registered in the process registry. */
export function histogram(name: string, help: string, buckets: number[]): Histogram {
  return new Histogram({ name, help, buckets, registers: [metricsRegistry] });
}

/** A gauge registered in the process registry, read when scraped. */
export function gauge(name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [metricsRegistry],
    collect() {
      this.set(read());
    },
  });
}
