import { z } from 'zod';
import { defineAction } from './auth';
import { fieldName, fieldValues, sobjectPath, sobjectType } from './records';

const upsertResult = z.object({ id: z.string(), created: z.boolean().optional() });

/**
 * PATCH /sobjects/<type>/<extIdField>/<value>: 201 created, 200 (`created:false`) updated, or 204
 * on orgs answering in the pre-v46 way, when the id is then read by the external id. Several
 * matches answer 300 with their URLs: invalid_input naming the ids (vendor.ts).
 */
export const upsertByExternalId = defineAction({
  title: 'Upsert record by external id',
  description: 'Creates or updates the one record whose external id field has the given value.',
  input: z
    .object({
      type: sobjectType,
      externalIdField: fieldName,
      externalId: z.string().min(1),
      fields: fieldValues,
      /** Update only: no record matching is an error (404) instead of a new record. */
      updateOnly: z.boolean().default(false),
    })
    .refine((i) => !(i.externalIdField in i.fields) && !('Id' in i.fields), { message: 'fields must not contain Id or the external id field: the URL names the record', path: ['fields'] }),
  output: z.object({ id: z.string(), created: z.boolean() }),
  effect: { kind: 'idempotencyKey', key: 'the external id field (upsert)' },
  sample: { id: '003gK00000Abc12QAB', created: true },
  async run(ctx, i) {
    const path = sobjectPath(i.type, i.externalIdField, i.externalId);
    const res = await ctx.http.request({ method: 'PATCH', path, query: { updateOnly: i.updateOnly || undefined }, json: i.fields });
    if (res.status !== 204) {
      const r = upsertResult.parse(res.body);
      return { id: r.id, created: r.created ?? res.status === 201 };
    }
    const found = await ctx.http.request({ method: 'GET', path, query: { fields: 'Id' } });
    return { id: z.object({ Id: z.string() }).parse(found.body).Id, created: false };
  },
});
