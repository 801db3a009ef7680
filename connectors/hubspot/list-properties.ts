import { z } from 'zod';
import { defineAction } from './auth';
import { objectType } from './objects';

const property = z.looseObject({
  name: z.string(),
  label: z.string().optional(),
  type: z.string(),
  fieldType: z.string(),
  hasUniqueValue: z.boolean().optional(),
  modificationMetadata: z.object({ readOnlyValue: z.boolean().optional() }).optional(),
  options: z.array(z.looseObject({ label: z.string(), value: z.string() })).optional(),
});

/** GET /crm/v3/properties/{type}: the property definitions a field mapping is checked against. */
export const listProperties = defineAction({
  description: 'Lists a HubSpot object’s properties (name, type, field type, read-only, unique, options), to validate a field mapping.',
  input: z.object({ objectType }),
  output: z.object({
    properties: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        type: z.string(),
        fieldType: z.string(),
        readOnly: z.boolean(),
        unique: z.boolean(),
        options: z.array(z.object({ label: z.string(), value: z.string() })),
      }),
    ),
  }),
  effect: { kind: 'none' },
  sample: { properties: [{ name: 'email', label: 'Email', type: 'string', fieldType: 'text', readOnly: false, unique: true, options: [] }] },
  request: (i) => ({ method: 'GET', path: `/crm/v3/properties/${i.objectType}` }),
  respond(res) {
    const { results } = z.object({ results: z.array(property) }).parse(res.body);
    return {
      properties: results.map((p) => ({
        name: p.name,
        label: p.label ?? p.name,
        type: p.type,
        fieldType: p.fieldType,
        readOnly: p.modificationMetadata?.readOnlyValue === true,
        unique: p.hasUniqueValue === true,
        options: (p.options ?? []).map((o) => ({ label: o.label, value: o.value })),
      })),
    };
  },
});
