import { continueAsNew, ParentClosePolicy, proxyActivities, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import {
  decide,
  deferDelayMs,
  deliveryWorkflowId,
  jitteredDelayMs,
  type AttemptResult,
  type Decision,
  type WebhookActivities,
  type WebhookDeliveryInput,
  type WebhookRecoverInput,
  type WebhookRecoverResult,
} from './webhook-contract';

/**
 * Outgoing webhook delivery: one workflow per (subscription, message), so a slow or dead
 * subscriber only ever delays its own messages. The schedule lives here, in `sleep`s, so it
 * is visible in history and testable with time skipping. Payloads and secrets never enter
 * history: the activity loads both from the store by id.
 */

const activities = proxyActivities<WebhookActivities>({
  // 15 s for the receiver, the rest for the store.
  startToCloseTimeout: '45s',
  // Only infrastructure errors (store down) throw; receiver failures are results, retried by the schedule.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

type WebhookDeliveryResult = { status: 'delivered' | 'failed' | 'disabled' | 'inactive'; attempts: number };

export async function webhookDelivery(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  let index = input.scheduleIndex ?? 0;
  if (input.initialDelayMs) await sleep(input.initialDelayMs);
  for (;;) {
    const step = await attemptOnce(input.subscriptionId, input.messageId, index++);
    if (step.decision.kind === 'retry') {
      // Long deferrals can grow history: carry on in a fresh run, same workflow id.
      if (workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof webhookDelivery>({ ...input, scheduleIndex: index, initialDelayMs: step.decision.delayMs });
      }
      await sleep(step.decision.delayMs);
      continue;
    }
    return { status: finalStatus(step.decision), attempts: step.result.attempt };
  }
}

/**
 * One attempt at schedule step `index`. A deferral (the subscriber already has its share of the
 * worker's in-flight requests, e.g. because it hangs) is not an attempt: wait and ask again, so a
 * dead subscriber cannot take every activity slot from the healthy ones.
 */
async function attemptOnce(subscriptionId: string, messageId: string, index: number, claim = false): Promise<{ result: AttemptResult; decision: Decision }> {
  const plannedDelayMs = jitteredDelayMs(index, Math.random());
  for (let deferrals = 0; ; deferrals++) {
    const nowMs = Date.now();
    const result = await activities['webhooksOut.deliverAttempt']({ subscriptionId, messageId, nowMs, plannedDelayMs, ...(claim ? { claim } : {}) });
    const decision = decide(result, nowMs, plannedDelayMs);
    if (decision.kind === 'defer') {
      await sleep(deferDelayMs(deferrals, Math.random()));
      continue;
    }
    if (decision.kind === 'disable') {
      await activities['webhooksOut.finishDelivery']({ subscriptionId, messageId, nowMs, disable: decision.reason });
    }
    return { result, decision };
  }
}

function finalStatus(decision: Decision): WebhookDeliveryResult['status'] {
  if (decision.kind === 'done') return 'delivered';
  if (decision.kind === 'disable') return 'disabled';
  if (decision.kind === 'inactive') return 'inactive';
  return 'failed';
}

const recoverPageSize = 50;

/**
 * Re-sends every failed message of one subscription created in [since, until], oldest first,
 * each once. The first new attempt of each message is made here, in order; a message that
 * fails again is handed to its own delivery workflow for the rest of the schedule.
 */
export async function webhookRecover(input: WebhookRecoverInput): Promise<WebhookRecoverResult> {
  let after = input.after;
  let resent = input.resent ?? 0;
  const page = await activities['webhooksOut.listFailed']({
    subscriptionId: input.subscriptionId,
    since: input.since,
    until: input.until,
    after,
    limit: recoverPageSize,
  });
  for (const item of page.items) {
    const step = await attemptOnce(input.subscriptionId, item.messageId, 0, true);
    after = { createdAt: item.createdAt, messageId: item.messageId };
    if (step.decision.kind === 'skip') continue;
    resent++;
    if (step.decision.kind === 'retry') {
      try {
        await startChild(webhookDelivery, {
          workflowId: deliveryWorkflowId(input.subscriptionId, item.messageId),
          args: [{ subscriptionId: input.subscriptionId, messageId: item.messageId, scheduleIndex: 1, initialDelayMs: step.decision.delayMs }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          taskQueue: workflowInfo().taskQueue,
        });
      } catch (err) {
        // A person redelivered it meanwhile: that delivery carries on with its own schedule.
        if (!(err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')) throw err;
      }
    } else if (step.decision.kind === 'disable' || step.decision.kind === 'inactive') {
      return { resent, stoppedBecause: 'subscription_disabled' };
    }
  }
  if (page.items.length < recoverPageSize) return { resent };
  return continueAsNew<typeof webhookRecover>({ ...input, after, resent });
}
