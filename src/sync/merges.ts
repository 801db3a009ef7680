import type { SyncRecord } from './record-logic';

/**
 * The objects whose vendor has a documented merge API (`onDuplicate: "merge"`): HubSpot contacts
 * and companies (POST /crm/v3/objects/{objectType}/merge), Pipedrive persons and organizations
 * (PUT /v1/{persons|organizations}/{id}/merge). Intercom merges only a lead into a user, Salesforce's
 * REST API has no merge.
 */
const mergeable: Readonly<Record<string, readonly string[]>> = {
  hubspot: ['contacts', 'companies'],
  pipedrive: ['person', 'organization'],
};

/** Why a vendor without a merge for sync records has none (for the compiler's diagnostic). */
const noMerge: Readonly<Record<string, string>> = {
  intercom: 'Intercom merges only a lead into a user, never two contacts or companies',
  salesforce: 'the Salesforce REST API has no merge',
};

export function canMerge(side: { connector: string; object: string }): boolean {
  return mergeable[side.connector]?.includes(side.object) ?? false;
}

/** Why this side's duplicates cannot be merged; undefined when they can. */
export function whyNoMerge(side: { connector: string; object: string }): string | undefined {
  if (canMerge(side)) return undefined;
  const objects = mergeable[side.connector];
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
