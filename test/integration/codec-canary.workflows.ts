// Workflows for the history-encryption canary test (bundled into the workflow sandbox).
import { ApplicationFailure, condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

interface CanaryActivities {
  echo(value: string): Promise<string>;
  explode(value: string): Promise<void>;
}

const activities = proxyActivities<CanaryActivities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } });

export const canarySignal = defineSignal<[string]>('canary');

/** Carries canaries through input, an activity's input and output, a signal and the result. */
export async function canaryRun(input: { canary: string }): Promise<{ echoed: string; signalled: string }> {
  let signalled = '';
  setHandler(canarySignal, (value) => void (signalled = value));
  const echoed = await activities.echo(input.canary);
  await condition(() => signalled !== '');
  return { echoed, signalled };
}

/** An activity failure and a workflow failure whose messages carry the canary. */
export async function canaryFail(input: { canary: string }): Promise<void> {
  try {
    await activities.explode(input.canary);
  } catch {
    // the activity failure (with the canary in its message) is in history already
  }
  throw ApplicationFailure.nonRetryable(`workflow failed while holding ${input.canary}`, 'CanaryFailure');
}
