import { z } from 'zod';
import { defineAction } from './auth';
import { crmRecord, objectType, propertyValues, sampleContact } from './objects';

/** PATCH /crm/v3/objects/{type}/{id} (by record id, or by a unique property with `idProperty`, e.g. a contact's email). */
export const updateRecord = defineAction({
  description: 'Sets properties on a HubSpot contact, company or deal, found by id or by a unique property such as email.',
  input: z.object({
    objectType,
    id: z.string().min(1),
    /** A unique property `id` is a value of (e.g. `email`); the record id when omitted. */
    idProperty: z.string().min(1).optional(),
    properties: propertyValues,
  }),
  output: crmRecord,
  effect: { kind: 'idempotencyKey', key: 'the record id (PATCH sets the fields)' },
  sample: sampleContact,
  request: (i) => ({
    method: 'PATCH',
    path: `/crm/v3/objects/${i.objectType}/${encodeURIComponent(i.id)}`,
    query: { idProperty: i.idProperty },
    json: { properties: i.properties },
  }),
});
