import { setHandler, workflowInfo } from '@temporalio/workflow';
import { Interpreter, type ForEachChunkResult, type Scope } from './interpreter';
import { connectionRestoredSignal } from './messages';
import type { ForEachPlanStep } from './plan';
import { Inbox, temporalRuntime } from './temporal-runtime';

export interface ForEachChunkInput {
  recipeId: string;
  version: string;
  step: ForEachPlanStep;
  items: unknown[];
  /** Index of items[0] in the whole list (iteration keys and idempotency keys use it). */
  offset: number;
  scope: Scope;
  /** The parent run's connection wait limit; 72 h when absent. */
  connectionWaitMs?: number;
  /** The step keys' run id when the parent keeps another run's (a retry from the failed step); this chunk's own id when absent. */
  keyRun?: string;
}

/**
 * One slice of a long forEach, so a 10,000-item list neither hits history limits nor keeps every
 * output in one payload. Returns counts only; waitFor is not allowed inside forEach (compiler).
 */
export async function forEachChunk(input: ForEachChunkInput): Promise<ForEachChunkResult> {
  const inbox = new Inbox();
  setHandler(connectionRestoredSignal, ({ connectionId }) => {
    inbox.restored.set(connectionId, (inbox.restored.get(connectionId) ?? 0) + 1);
  });
  const scope: Scope = { ...input.scope, run: { ...input.scope.run, chunk: workflowInfo().workflowId } };
  const interpreter = new Interpreter({ runtime: temporalRuntime({ inbox, connectionWaitMs: input.connectionWaitMs, keyRun: input.keyRun }) });
  return interpreter.runForEachSlice(input.step, input.items, input.offset, scope);
}
