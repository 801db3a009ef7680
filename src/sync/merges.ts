import type { SyncRecord } from './record-logic';

/**
 * The one list of the sides that can merge duplicates (`onDuplicate: "merge"`): the objects whose
 * vendor has a documented merge API. HubSpot contacts and companies (POST
 * /crm/v3/objects/{objectType}/merge), Pipedrive persons and organizations (PUT
 * /v1/{persons|organizations}/{id}/merge). Intercom merges only a lead into a user, Salesforce's
 * REST API has no merge. The compiler refuses merge into any other side, and the worker's merges
 * (activities/sync-sides) are keyed by `MergingConnector`: one for each connector here, no other.
 */
const mergeable = {
  hubspot: ['contacts', 'companies'],
  pipedrive: ['person', 'organization'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** The connectors with a merge for some of their objects. */
export type MergingConnector = keyof typeof mergeable;

/** `mergeable`, looked up by any connector's name. */
const mergeableObjects: Readonly<Record<string, readonly string[]>> = mergeable;

/** Why a vendor without a merge for sync records has none (for the compiler's diagnostic). */
const noMerge: Readonly<Record<string, string>> = {
  intercom: 'Intercom merges only a lead into a user, never two contacts or companies',
  salesforce: 'the Salesforce REST API has no merge',
};

export function canMerge<S extends { connector: string; object: string }>(side: S): side is S & { connector: MergingConnector } {
  return mergeableObjects[side.connector]?.includes(side.object) ?? false;
}

/** Why this side's duplicates cannot be merged; undefined when they can. */
export function whyNoMerge(side: { connector: string; object: string }): string | undefined {
  if (canMerge(side)) return undefined;
  const objects = mergeableObjects[side.connector];
  return objects ? `${side.connector} merges ${objects.join(' and ')} only` : (noMerge[side.connector] ?? `${side.connector} has no merge API`);
}

/**
 * Duplicates in the order a merge keeps them: the oldest by the vendor's creation time first (it
 * survives), ties and unknown times by id (numeric ids as numbers), so the choice never depends on
 * the order a search returned them.
 */
export function oldestFirst(records: readonly SyncRecord[]): SyncRecord[] {
  const byId = (a: string, b: string) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
  const at = (r: SyncRecord) => r.createdAt ?? Number.POSITIVE_INFINITY;
  return [...records].sort((a, b) => at(a) - at(b) || byId(a.id, b.id));
}
