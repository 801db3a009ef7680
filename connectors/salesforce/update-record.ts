import { z } from 'zod';
import { defineAction } from './auth';
import { fieldValues, recordId, sobjectPath, sobjectType } from './records';

/** PATCH /sobjects/<type>/<id> → 204. Setting the same values again is harmless, so it is idempotent. */
export const updateRecord = defineAction({
  key: 'updateRecord',
  title: 'Update record',
  description: 'Changes field values of one record by its id.',
  input: z.object({ type: sobjectType, id: recordId, fields: fieldValues }),
  output: z.object({ id: z.string() }),
  idempotent: true,
  effect: { kind: 'idempotencyKey', key: 'the record id (PATCH sets the fields)' },
  sample: { id: '003gK00000Abc12QAB' },
  async run(ctx, i) {
    await ctx.http.request({ method: 'PATCH', path: sobjectPath(i.type, i.id), json: i.fields });
    return { id: i.id };
  },
});
