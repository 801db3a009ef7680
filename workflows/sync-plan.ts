/**
 * The compiled form of a sync definition (`"kind": "sync"`): plain JSON, the input of the sync
 * workflow. Produced by `src/recipe/sync-compile.ts`. Only ever extend with optional fields:
 * running syncs continue-as-new with the plan they carry.
 */

export type SyncSideName = 'left' | 'right';
export type SyncDirection = 'both' | 'leftToRight' | 'rightToLeft';

export interface SyncSidePlan {
  connection: string;
  /** Connector id of the connection (intercom, salesforce, hubspot, pipedrive). */
  connector: string;
  /** The vendor's object type: "contact" (Intercom), "Contact" (Salesforce), "contacts" (HubSpot), "person" (Pipedrive). */
  object: string;
  /** Inclusion filter: only records whose fields equal these values take part. */
  filter: Record<string, string | number | boolean | null>;
}

export interface SyncFieldPlan {
  /** Where the mapping is in the definition, e.g. "fields[2]": names it in history and errors. */
  id: string;
  /** Field paths on each side (dotted, e.g. "custom_attributes.plan_type"); several for split/join transforms. */
  left: string[];
  right: string[];
  transform: string;
  /** Static transform parameters (a picklist map, a lookup table). */
  params: { values?: Record<string, string>; pairs?: { left: string; right: string }[]; via?: string };
  direction: SyncDirection;
}

export interface SyncPlan {
  planFormat: 1;
  kind: 'sync';
  syncId: string;
  /** Content hash of the definition. */
  version: string;
  name: string;
  enabled: boolean;
  left: SyncSidePlan;
  right: SyncSidePlan;
  /** Match rules, tried in order when a record has no link yet: equal values (case-insensitive text) match. */
  match: { left: string; right: string }[];
  fields: SyncFieldPlan[];
  direction: SyncDirection;
  /** realtime: vendor webhooks where the vendor has them + a safety poll every `pollMs`; interval: a poll every `pollMs`. */
  frequency: 'realtime' | 'interval';
  pollMs: number;
  conflicts: 'newestWins' | 'leftWins' | 'rightWins';
  create: { left: boolean; right: boolean };
  /** report: several records matching one are reported, nothing written; merge: merged into the oldest on a side whose vendor can merge, then linked. */
  onDuplicate: 'report' | 'merge';
  /** Connection ids used (sorted). */
  connections: string[];
  /** "notes": each Intercom conversation of a linked contact is copied to its counterpart as a note. */
  conversations?: 'notes';
  /** Closed Intercom conversations copied to the counterpart as transcripts (compiled from `conversations`, either form). */
  transcripts?: SyncTranscriptsPlan;
}

/** Where, as what and when a closed conversation's transcript is written (workflow `syncConversations`). */
export interface SyncTranscriptsPlan {
  /** The side written to; the other side holds the Intercom contacts. */
  to: SyncSideName;
  /** Salesforce: a Task (WhoId = the person) or a Case (ContactId); HubSpot and Pipedrive: a note on the contact or person. */
  as: 'Task' | 'Case' | 'note';
  on: 'closed';
  /** How often closed conversations are looked for by polling (webhooks signal them at once). */
  pollMs: number;
}

/** What the linked records' values follow (direction and field mappings): a change re-evaluates the links written under another. */
export function mappingOf(plan: Pick<SyncPlan, 'direction' | 'fields'>): string {
  return JSON.stringify([plan.direction, plan.fields]);
}
