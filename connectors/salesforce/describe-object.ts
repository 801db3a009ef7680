import { z } from 'zod';
import { defineAction } from './auth';
import { sobjectPath, sobjectType } from './records';

/** What the describe says of a field and the action answers as it is. */
const fieldFacts = {
  name: z.string(),
  label: z.string().optional(),
  type: z.string(),
  createable: z.boolean(),
  updateable: z.boolean(),
  nillable: z.boolean(),
};
const describedField = z.looseObject({
  ...fieldFacts,
  externalId: z.boolean().optional(),
  picklistValues: z.array(z.object({ value: z.string(), active: z.boolean().optional() }).loose()).optional(),
});

/** GET /sobjects/<type>/describe, reduced to what a field mapping is checked against. */
export const describeObject = defineAction({
  description: 'Lists an sObject type’s fields: type, whether they can be created, updated or left empty, external ids and picklist values.',
  input: z.object({ type: sobjectType }),
  output: z.object({
    name: z.string(),
    fields: z.array(z.object({ ...fieldFacts, externalId: z.boolean(), picklistValues: z.array(z.string()).optional() })),
  }),
  effect: { kind: 'none' },
  sample: { name: 'Contact', fields: [{ name: 'LastName', label: 'Last Name', type: 'string', createable: true, updateable: true, nillable: false, externalId: false }] },
  request: (i) => ({ method: 'GET', path: sobjectPath(i.type, 'describe') }),
  respond(res) {
    const body = z.object({ name: z.string(), fields: z.array(describedField) }).parse(res.body);
    return {
      name: body.name,
      fields: body.fields.map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        createable: f.createable,
        updateable: f.updateable,
        nillable: f.nillable,
        externalId: f.externalId ?? false,
        // Inactive values are refused on write, so a mapping may only target the active ones.
        picklistValues: f.type === 'picklist' || f.type === 'multipicklist' ? (f.picklistValues ?? []).filter((p) => p.active !== false).map((p) => p.value) : undefined,
      })),
    };
  },
});
