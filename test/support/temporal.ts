import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { createLogger } from '../../src/logging';
import { routeTemporalLogs } from './temporal-logs';

/** The time-skipping test server, from the same binary resolution as everything else. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  routeTemporalLogs(createLogger('silent'), 'silent');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
}

/** A client/connection environment on the shared real dev server started by the global setup. */
export function connectToDevServer(): Promise<TestWorkflowEnvironment> {
  routeTemporalLogs(createLogger('silent'), 'silent');
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
}

/** Waits on a condition with a deadline instead of sleeping and hoping. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
