import type { SyncPlan } from './sync-plan';

/**
 * Conversations to the CRM (a sync's `conversations`): the workflow that copies each closed
 * Intercom conversation's transcript to the contact's counterpart, its signal, query and
 * activities. These names are written into histories: never rename one, only add. No SDK imports.
 */

/** Workflow type: one per sync whose definition has `conversations`. */
export const syncConversationsWorkflowType = 'syncConversations';

/** Its workflow id: one at a time per sync. */
export function syncConversationsWorkflowId(syncId: string): string {
  return `sync-conversations:${syncId}`;
}

/** Signal: these conversations were closed (a `conversation.admin.closed` webhook): copy them now. */
export const conversationsClosedSignal = 'syncConversations.closed';

export interface ConversationsClosedSignal {
  conversationIds: string[];
}

/** Query: what the workflow is doing and what it did. */
export const syncConversationsStatusQuery = 'syncConversations.status';

export interface SyncConversationsStatus {
  phase: 'idle' | 'copying' | 'waiting' | 'paused';
  /** Why it waits (a disconnected connection, the store), when phase is "waiting". */
  waitingFor?: string;
  /** Transcripts written, conversations found with nothing new, and those without a counterpart (reported, tried again). */
  written: number;
  unchanged: number;
  unmatched: number;
  /** Conversations signalled or polled and not copied yet. */
  pending: number;
  /** ISO time of the last poll for closed conversations. */
  lastPoll?: string;
}

/** The workflow's argument; carried across continue-as-new (extend only with optional fields). */
export interface SyncConversationsInput {
  syncId: string;
  /** The sync's plan when started; the stored definition is read again each cycle. */
  plan?: SyncPlan;
  /** Unix seconds: closed conversations updated since then are polled (default: when the workflow first started). */
  since?: number;
  pending?: string[];
  totals?: Pick<SyncConversationsStatus, 'written' | 'unchanged' | 'unmatched'>;
  /** Cycles per execution before continue-as-new (tests lower it). */
  cyclesPerExecution?: number;
}

/** What became of one conversation. */
export type ConversationCopyOutcome =
  /** A transcript (or its new parts) written: the Task, Case or note id. */
  | { outcome: 'written'; recordId: string; targetId: string; parts: number }
  /** Its parts are in the CRM already (a redelivered webhook, a second poll). */
  | { outcome: 'unchanged' }
  /** No counterpart for its contact yet: recorded as unmatched, tried again each cycle. */
  | { outcome: 'unmatched'; contactId: string | null; reason: string }
  /** Not closed (reopened meanwhile) or gone: nothing to write now. */
  | { outcome: 'skipped'; reason: string };

export interface SyncConversationActivities {
  /** Reads the conversation with its parts and writes its transcript (or the parts not written yet) to the counterpart, once. */
  syncConversationCopy(input: { plan: SyncPlan; conversationId: string }): Promise<ConversationCopyOutcome>;
  /** Closed conversations updated at or after `since` (unix seconds), and where the next poll starts. */
  syncConversationsClosed(input: { plan: SyncPlan; since: number }): Promise<{ conversationIds: string[]; since: number }>;
  /** Conversations recorded as unmatched (waiting for their contact's counterpart), oldest first. */
  syncConversationsUnmatched(input: { syncId: string; limit?: number }): Promise<string[]>;
}
