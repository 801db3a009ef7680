/** The workflow module the worker loads (`workflowsPath: require.resolve('./workflows')`). */
export { runRecipe, type RunRecipeInput } from './run-recipe';
export { recipeRunFailedType } from './plan';
export { forEachChunk, type ForEachChunkInput } from './for-each-chunk';
export { stateQuery, approvalSignal, resumeSignal, connectionRestoredSignal, type ApprovalDecision, type ResumePayload } from './messages';
export type { Plan, PlanStep, RunEvent, RunSummary, StepState, StepStatus } from './plan';
export { webhookDelivery, webhookRecover } from './webhook-delivery';
export { pollRecipe, pollerPlanSignal, pollerPausedSignal, pollerStopSignal, pollerStateQuery, type PollRecipeInput, type PollerState } from './poll-recipe';
export { syncWorkflow, type SyncWorkflowInput } from './sync-workflow';
export { syncConversations } from './sync-conversations-workflow';
