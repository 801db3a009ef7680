/**
 * The Intercom users ↔ Salesforce contacts sync the engine tests run (issue #16): name split into
 * FirstName/LastName, email, and MRR (a Salesforce custom field, `Mrr__c`: add it to the fake with
 * `mrrField`), both ways, created on either side, realtime. `overrides` replace top-level keys.
 */
export function intercomSalesforceContacts(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ic-sf-contacts',
    kind: 'sync',
    left: { connection: 'intercom-main', object: 'contact', filter: { role: 'user' } },
    right: { connection: 'salesforce-main', object: 'Contact' },
    match: [{ left: 'email', right: 'Email' }],
    fields: [
      { left: 'name', right: ['FirstName', 'LastName'], transform: 'splitName', direction: 'both' },
      { left: 'email', right: 'Email', direction: 'both' },
      { left: 'custom_attributes.mrr', right: 'Mrr__c', transform: 'number', direction: 'both' },
    ],
    direction: 'both',
    frequency: 'realtime',
    safetyPoll: '1m',
    conflicts: 'newestWins',
    create: { left: true, right: true },
    onDuplicate: 'report',
    ...overrides,
  };
}

/** The Salesforce fake's Contact field the MRR mapping writes. */
export const mrrField = { name: 'Mrr__c', label: 'MRR', type: 'double', createable: true, updateable: true, nillable: true } as const;

/** How many records a side the sync tests seed: SYNC_TEST_RECORDS (CI sets fewer), 1,000 by default. */
export const syncTestRecords = Number(process.env.SYNC_TEST_RECORDS ?? 1000);
