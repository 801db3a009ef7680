import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';

export interface CallActivityArgs {
  type: string;
  arg: unknown;
  maxAttempts: number;
  nonRetryableErrorTypes: string[];
}

export type CallOutcome =
  | { ok: true; result: unknown }
  | { ok: false; type: string | undefined | null; message: string; nonRetryable: boolean; details: unknown[] | undefined };

/** Calls one activity with a fast retry policy and reports its result or final failure as data. */
export async function callActivity(a: CallActivityArgs): Promise<CallOutcome> {
  const acts = proxyActivities<Record<string, (x: unknown) => Promise<unknown>>>({
    startToCloseTimeout: '20s',
    retry: { initialInterval: '50ms', backoffCoefficient: 1, maximumAttempts: a.maxAttempts, nonRetryableErrorTypes: a.nonRetryableErrorTypes },
  });
  const fn = acts[a.type]!;
  try {
    return { ok: true, result: await fn(a.arg) };
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
      const c = err.cause;
      return { ok: false, type: c.type, message: c.message, nonRetryable: c.nonRetryable === true, details: c.details as unknown[] | undefined };
    }
    throw err;
  }
}
