import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RunSummary } from './plan';

/** Names below are public contracts written into histories: never change their shape in place. */

/** Per-step status, attempts, last error, rendered input and output. */
export const stateQuery = defineQuery<RunSummary>('state');

export interface ApprovalDecision {
  approved: boolean;
  /** Who decided (an operator's name or id), readable by later steps as steps.<id>.by. */
  by?: string;
  comment?: string;
  /** Targets one waitFor step; without it the decision goes to the approval waited for (now or next). */
  stepId?: string;
}
/** Resumes a `waitFor: { approval }` step. */
export const approvalSignal = defineSignal<[ApprovalDecision]>('approval');

export interface ResumePayload {
  /** The `waitFor.signal` name. */
  signal: string;
  payload?: unknown;
}
/** Resumes a `waitFor: { signal }` step; `payload` becomes the step's output. */
export const resumeSignal = defineSignal<[ResumePayload]>('resume');

/** Sent when a disconnected or paused connection is usable again; waiting steps retry. */
export const connectionRestoredSignal = defineSignal<[{ connectionId: string }]>('connectionRestored');
