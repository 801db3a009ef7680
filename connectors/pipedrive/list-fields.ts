import { z } from 'zod';
import { defineAction } from './auth';

/** The field-definition collections (v1): one per record type a sync or a recipe maps. */
const fieldCollections = { person: 'personFields', organization: 'organizationFields', deal: 'dealFields' } as const;
type FieldsObject = keyof typeof fieldCollections;

const field = z.looseObject({
  key: z.string(),
  name: z.string(),
  field_type: z.string(),
  edit_flag: z.boolean().optional(),
  options: z.array(z.looseObject({ id: z.union([z.number(), z.string()]), label: z.string() })).nullish(),
});
const fieldsResponse = z.object({
  success: z.literal(true),
  data: z.array(field).nullable(),
  additional_data: z.looseObject({ pagination: z.looseObject({ more_items_in_collection: z.boolean().optional() }).optional() }).optional(),
});

/**
 * Fields Pipedrive computes itself: a write to them is ignored or refused. The v1 field list has
 * no read-only flag, so they are named here (ids, timestamps, counters, activity and mail dates).
 */
const computedFields = new Set(['id', 'add_time', 'update_time', 'next_activity_date', 'next_activity_time', 'last_activity_date', 'last_incoming_mail_time', 'last_outgoing_mail_time', 'picture_id', 'cc_email']);

/** v2 records (which the other actions read and write) name some v1 fields differently. */
const v2Names: Record<string, string> = { email: 'emails', phone: 'phones' };

/** GET /api/v1/personFields (organizationFields, dealFields): the fields a mapping is checked against. */
export const listFields = defineAction({
  title: 'List fields',
  description: 'Lists a Pipedrive object’s fields (key as v2 records name it, type, writable, options), including custom fields, to validate a field mapping.',
  input: z.object({ object: z.enum(Object.keys(fieldCollections) as [FieldsObject, ...FieldsObject[]]) }),
  output: z.object({
    fields: z.array(z.object({ key: z.string(), name: z.string(), fieldType: z.string(), custom: z.boolean(), writable: z.boolean(), options: z.array(z.string()) })),
  }),
  effect: { kind: 'none' },
  sample: { fields: [{ key: 'name', name: 'Name', fieldType: 'varchar', custom: false, writable: true, options: [] }] },
  request: (i) => ({ method: 'GET', path: `/api/v1/${fieldCollections[i.object]}`, query: { start: 0, limit: 500 } }),
  respond(res) {
    const { data } = fieldsResponse.parse(res.body);
    return {
      fields: (data ?? []).map((f) => ({
        key: v2Names[f.key] ?? f.key,
        name: f.name,
        fieldType: f.field_type,
        custom: f.edit_flag === true,
        writable: !computedFields.has(f.key) && !f.key.endsWith('_count'),
        options: (f.options ?? []).map((o) => o.label),
      })),
    };
  },
});
