import { z } from 'zod';
import { defineAction } from './auth';
import { crmRecord, objectType, propertyValues, sampleContact } from './objects';

/**
 * POST /crm/v3/objects/{type} → 201 with the record. HubSpot has no idempotency key: a retry
 * after a lost response creates a second company or deal, and answers 409 for a contact whose
 * email now exists (its message names the existing id). Use batchUpsert to write by a unique key.
 */
export const createRecord = defineAction({
  description: 'Creates a HubSpot contact, company or deal with the given properties (a contact needs one of email, firstname, lastname).',
  input: z.object({ objectType, properties: propertyValues }),
  output: crmRecord,
  effect: { kind: 'atLeastOnce', why: 'HubSpot create takes no idempotency key; use batchUpsert with an idProperty' },
  sample: sampleContact,
  request: (i) => ({ method: 'POST', path: `/crm/v3/objects/${i.objectType}`, json: { properties: i.properties } }),
});
