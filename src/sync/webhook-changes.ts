import type { SyncPlan } from '../../workflows/sync-plan';
import type { SyncChange } from './control';

/** The records a vendor's webhook notification names, for a sync side of that vendor's object type. */
type ChangedIds = (object: string, topic: string, payload: unknown) => string[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Intercom notifications of a contact's company list changing: its `updated_at` stays, so the contacts feed never brings them. */
const intercomAttachmentTopics: ReadonlySet<string> = new Set(['company.contact.attached', 'company.contact.detached']);

/**
 * Intercom: `contact.*` topics (created, updated, tagged, deleted, merged…) name a contact,
 * `company.*` a company; the object is the notification's `data.item` (or the item's `contact` /
 * `company`, as in `contact.user.tag.created`, whose item is a `contact_tag`). A company attached
 * to or detached from a contact (`company.contact.attached|detached`, the item holding both) names
 * the company for a companies side and the contact for a contacts side.
 */
const intercom: ChangedIds = (object, topic, payload) => {
  if (!(topic.startsWith(`${object}.`) || (object === 'contact' && intercomAttachmentTopics.has(topic))) || !isObject(payload) || !isObject(payload.data)) return [];
  const item = payload.data.item;
  if (!isObject(item)) return [];
  const named = item.type === object ? item : item[object];
  return isObject(named) && typeof named.id === 'string' && named.id ? [named.id] : [];
};

/** An id as the sync sides keep it (text), from a vendor's number or string. */
const idText = (v: unknown): string[] => (typeof v === 'number' && Number.isFinite(v) ? [String(v)] : typeof v === 'string' && v ? [v] : []);

/** HubSpot's subscription types are singular (`contact.propertyChange`); sync sides name the CRM v3 object type. */
const hubspotSubscriptionPrefix: Readonly<Record<string, string>> = { contacts: 'contact.', companies: 'company.', deals: 'deal.' };

/**
 * HubSpot: each event of a delivery (`<object>.creation|propertyChange|deletion|restore`) names its
 * record by `objectId`; a `<object>.merge` also names the records merged away (`mergedObjectIds`,
 * gone now: their links come apart) and the one they became (`primaryObjectId`, `newObjectId`).
 */
const hubspot: ChangedIds = (object, topic, payload) => {
  const prefix = hubspotSubscriptionPrefix[object];
  if (!prefix || !topic.startsWith(prefix) || !isObject(payload)) return [];
  const mergedAway: unknown[] = Array.isArray(payload.mergedObjectIds) ? payload.mergedObjectIds : [];
  const merged = topic === `${prefix}merge` ? [...mergedAway, payload.primaryObjectId, payload.newObjectId] : [];
  return [...new Set([payload.objectId, ...merged].flatMap(idText))];
};

/**
 * Pipedrive webhooks v2: `<entity>.<action>` (`person.change`, `person.delete`) names its record by
 * `meta.entity_id`; the `delete` of a record merged into another also names that one (`meta.merged_to_id`).
 */
const pipedrive: ChangedIds = (object, topic, payload) =>
  topic.startsWith(`${object}.`) && isObject(payload) && isObject(payload.meta) ? [...new Set([payload.meta.entity_id, payload.meta.merged_to_id].flatMap(idText))] : [];

/** Per connector: which webhook notifications name records of a sync side (one entry per vendor with webhooks for its objects). */
const changedIdsByConnector: Readonly<Record<string, ChangedIds>> = { intercom, hubspot, pipedrive };

/**
 * The `sync.changes` signals one inbound event makes for the enabled realtime syncs: for each sync
 * with a side on the connection the event came from, the records of that side it names. Syncs on
 * an interval, and events naming no record of a side's object, make none (the poll reads them).
 */
export function syncChangesOf(syncs: readonly SyncPlan[], connectionId: string, connector: string, topic: string, payload: unknown): SyncChange[] {
  const changedIds = changedIdsByConnector[connector];
  if (!changedIds) return [];
  const out: SyncChange[] = [];
  for (const plan of syncs) {
    if (plan.enabled && plan.transcripts) out.push(...closedConversations(plan, connectionId, topic, payload));
    if (!plan.enabled || plan.frequency !== 'realtime') continue;
    for (const side of ['left', 'right'] as const) {
      if (plan[side].connection !== connectionId) continue;
      const ids = changedIds(plan[side].object, topic, payload);
      if (ids.length > 0) out.push({ syncId: plan.syncId, side, ids });
    }
  }
  return out;
}

/**
 * Intercom's `conversation.admin.closed` on the Intercom side's connection of a sync that copies
 * conversations: the conversation for its `syncConversations` workflow (whatever the sync's
 * frequency: a closed conversation is written at once, the poll only catches what a webhook missed).
 */
function closedConversations(plan: SyncPlan, connectionId: string, topic: string, payload: unknown): SyncChange[] {
  const from = plan.transcripts!.to === 'left' ? 'right' : 'left';
  if (plan[from].connection !== connectionId || plan[from].connector !== 'intercom' || topic !== 'conversation.admin.closed') return [];
  const item = isObject(payload) && isObject(payload.data) ? payload.data.item : undefined;
  if (!isObject(item) || item.type !== 'conversation' || (typeof item.id !== 'string' && typeof item.id !== 'number')) return [];
  return [{ syncId: plan.syncId, side: from, ids: [], conversationIds: [String(item.id)] }];
}
