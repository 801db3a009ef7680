import type { HubSpotFake } from '../../sandbox/hubspot-fake';
import type { FakeObjectType } from '../../sandbox/hubspot-fake-crm';
import type { IntercomFake } from '../../sandbox/intercom-fake';
import type { PipedriveEntity, PipedriveFake, PipedriveRecord } from '../../sandbox/pipedrive-fake';
import type { SalesforceFake } from '../../sandbox/salesforce-fake';

/** Records (not calls) in HubSpot's batch calls of a kind (`create`, `update`) for an object: a call carries up to 100 inputs. */
export const hubspotBatchInputs = (hs: HubSpotFake, object: FakeObjectType, kind: string): number =>
  hs.received('POST', `/crm/v3/objects/${object}/batch/${kind}`).reduce((n, r) => n + ((r.body as { inputs?: unknown[] } | undefined)?.inputs?.length ?? 0), 0);

/** A HubSpot contact's name as Intercom keeps it: first and last name joined. */
export const hubspotName = (p: Record<string, string>): string => [p.firstname, p.lastname].filter(Boolean).join(' ');

/** The records of a Pipedrive object that are not deleted. */
export const pipedriveLive = (pd: PipedriveFake, entity: PipedriveEntity): PipedriveRecord[] => [...pd.records[entity].values()].filter((r) => !r.is_deleted);

/** A Pipedrive person's primary email, lower-cased. */
export const pipedriveEmail = (r: PipedriveRecord): string | undefined =>
  ((r.emails as { value: string; primary?: boolean }[]).find((p) => p.primary) ?? (r.emails as { value: string }[])[0])?.value.toLowerCase();

/**
 * Five Intercom users ic-0…ic-4 (ic0@example.com…, MRR 10 × i) and two Salesforce Contacts sf0, sf1: seven links
 * after a backfill. Three users hold a plan from the start (ic-0 bronze, ic-2 gold, ic-3 silver) that a mapping
 * may carry later (the Contact field Plan__c).
 */
export function seedPlanContacts(ic: IntercomFake, sf: SalesforceFake): void {
  sf.addCustomField('Contact', { name: 'Plan__c', label: 'Plan', type: 'string', createable: true, updateable: true, nillable: true });
  const now = ic.clock();
  const plans: Record<number, string> = { 0: 'bronze', 2: 'gold', 3: 'silver' };
  for (let i = 0; i < 5; i++) ic.contacts.push({ type: 'contact', id: `ic-${i}`, workspace_id: 'a86dr8yl', role: 'user', email: `ic${i}@example.com`, external_id: null, name: `Ada${i} Intercom`, custom_attributes: { mrr: 10 * i, ...(plans[i] ? { plan: plans[i] } : {}) }, created_at: now, updated_at: now });
  for (let i = 0; i < 2; i++) sf.seed('Contact', { FirstName: `Grace${i}`, LastName: 'Salesforce', Email: `sf${i}@example.com`, Mrr__c: i });
}
