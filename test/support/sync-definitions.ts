/** A CRM side of an Intercom contacts sync: its connection and object, the match rule and the field mappings. */
export interface CrmMapping {
  right: { connection: string; object: string };
  match: { left: string; right: string }[];
  fields: Record<string, unknown>[];
}

/**
 * The Intercom users ↔ CRM contacts sync the engine tests run (issue #16): both ways, created on
 * either side, realtime with a 1-minute safety poll, newest change wins. `overrides` replace
 * top-level keys.
 */
export function intercomContactsSync(id: string, crm: CrmMapping, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    kind: 'sync',
    left: { connection: 'intercom-main', object: 'contact', filter: { role: 'user' } },
    ...crm,
    direction: 'both',
    frequency: 'realtime',
    safetyPoll: '1m',
    conflicts: 'newestWins',
    create: { left: true, right: true },
    onDuplicate: 'report',
    ...overrides,
  };
}

/** The least a sync needs: Intercom contacts matched to Salesforce Contacts by email, the name split in two. `overrides` replace top-level keys. */
export function smallestContactsSync(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    kind: 'sync',
    left: { connection: 'intercom-main', object: 'contact' },
    right: { connection: 'salesforce-main', object: 'Contact' },
    match: [{ left: 'email', right: 'Email' }],
    fields: [{ left: 'name', right: ['FirstName', 'LastName'], transform: 'splitName' }],
    ...overrides,
  };
}

/**
 * Salesforce Contacts: name split into FirstName/LastName, email, MRR (the custom field `mrrField`,
 * added to the fake). The fields flow the sync's way, so a one-way sync (the bench) uses them too.
 */
export const salesforceContacts: CrmMapping = {
  right: { connection: 'salesforce-main', object: 'Contact' },
  match: [{ left: 'email', right: 'Email' }],
  fields: [
    { left: 'name', right: ['FirstName', 'LastName'], transform: 'splitName' },
    { left: 'email', right: 'Email' },
    { left: 'custom_attributes.mrr', right: 'Mrr__c', transform: 'number' },
  ],
};

/** HubSpot contacts: name split into firstname/lastname, email, MRR (the number property `mrr`, added to the fake). */
export const hubspotContacts: CrmMapping = {
  right: { connection: 'hubspot-main', object: 'contacts' },
  match: [{ left: 'email', right: 'email' }],
  fields: [
    { left: 'name', right: ['firstname', 'lastname'], transform: 'splitName', direction: 'both' },
    { left: 'email', right: 'email', direction: 'both' },
    { left: 'custom_attributes.mrr', right: 'mrr', transform: 'number', direction: 'both' },
  ],
};

/** Pipedrive persons: name, the primary email, MRR in the custom field whose key is `mrrKey` (the fake makes it). */
export const pipedrivePersons = (mrrKey: string): CrmMapping => ({
  right: { connection: 'pipedrive-main', object: 'person' },
  match: [{ left: 'email', right: 'emails' }],
  fields: [
    { left: 'name', right: 'name', direction: 'both' },
    { left: 'email', right: 'emails', direction: 'both' },
    { left: 'custom_attributes.mrr', right: `custom_fields.${mrrKey}`, transform: 'number', direction: 'both' },
  ],
});

/** The Salesforce fake's Contact field the MRR mapping writes. */
export const mrrField = { name: 'Mrr__c', label: 'MRR', type: 'double', createable: true, updateable: true, nillable: true } as const;

/** How many records a side the sync tests seed: SYNC_TEST_RECORDS (CI sets fewer), 1,000 by default. */
export const syncTestRecords = Number(process.env.SYNC_TEST_RECORDS ?? 1000);
