import os from 'node:os';
import type { WebhookSender } from './intercom';
import { runLoad } from './load';
import { cpuMsPer, type ChildHandle } from './processes';
import type { Stack } from './stack';
import { round, summarize, type Summary } from './stats';

export interface AckPhase {
  acceptedPerSec: number;
  requests: number;
  accepted: number;
  errors: number;
  errorKinds: Record<string, number>;
  ackLatencyMs: Summary;
  /** CPU ms per request of Temporal, the harness and each of `processes`, and in total. */
  cpuMsPerRequest: Record<string, number>;
  /** 1-minute load average at the start and end of the phase: other work on the machine skews the rates. */
  loadAverage: [number, number];
}

const load1 = () => round(os.loadavg()[0]!, 2);

/**
 * Signed webhooks at `concurrency` for `durationMs` (closed loop; paced at `ratePerSec` when given, so
 * two runs make the same number of requests at the same rate and their CPU per request compares even
 * on a busy machine): rate, ack latency, errors, CPU per request.
 */
export async function measureAcks(stack: Stack, processes: ChildHandle[], sender: WebhookSender, concurrency: number, durationMs: number, ratePerSec?: number): Promise<AckPhase> {
  const loadAtStart = load1();
  const cpuBefore = stack.cpu(processes);
  const r = await runLoad({ concurrency, durationMs, ...(ratePerSec ? { ratePerSec } : {}) }, () => sender.send());
  return {
    acceptedPerSec: round(r.ok / (r.elapsedMs / 1000)),
    requests: r.issued,
    accepted: r.ok,
    errors: r.errors,
    errorKinds: r.errorKinds,
    ackLatencyMs: summarize(r.latenciesMs),
    cpuMsPerRequest: cpuMsPer(cpuBefore, stack.cpu(processes), Math.max(1, r.issued)),
    loadAverage: [loadAtStart, load1()],
  };
}

/** The warm-up before a measured phase (JIT, connections). */
export async function warmUp(sender: WebhookSender): Promise<void> {
  await runLoad({ concurrency: 10, count: 200 }, () => sender.send());
}
