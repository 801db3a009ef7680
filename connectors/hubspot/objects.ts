import { z } from 'zod';

/** The CRM objects this connector reads and writes (HubSpot's plural object-type names in `/crm/v3/objects/{type}`). */
export const objectType = z.enum(['contacts', 'companies', 'deals']);
export type ObjectType = z.output<typeof objectType>;

/** Contacts keep their modification time in `lastmodifieddate`; companies and deals in `hs_lastmodifieddate`. */
export const lastModifiedProperty: Readonly<Record<ObjectType, string>> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
};

/** Property values as HubSpot takes them: strings (numbers, booleans and dates are sent as their text). */
export const propertyValues = z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? '' : String(v))));

/** A record as the v3 objects API returns it. */
export const crmRecord = z.looseObject({
  id: z.string(),
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean().optional(),
});
export type CrmRecord = z.output<typeof crmRecord>;

export const sampleContact: CrmRecord = {
  id: '512',
  properties: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', createdate: '2026-11-27T12:00:00.000Z', lastmodifieddate: '2026-11-27T12:00:00.000Z', hs_object_id: '512' },
  createdAt: '2026-11-27T12:00:00.000Z',
  updatedAt: '2026-11-27T12:00:00.000Z',
  archived: false,
};
