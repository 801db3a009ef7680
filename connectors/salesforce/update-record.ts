import { z } from 'zod';
import { defineAction } from './auth';
import { fieldValues, recordId, sobjectPath, sobjectType } from './records';

/** PATCH /sobjects/<type>/<id> → 204. Setting the same values again is harmless, so it is idempotent. */
export const updateRecord = defineAction({
  description: 'Changes field values of one record by its id.',
  input: z.object({ type: sobjectType, id: recordId, fields: fieldValues }),
  output: z.object({ id: z.string() }),
  effect: { kind: 'idempotencyKey', key: 'the record id (PATCH sets the fields)' },
  sample: { id: '003gK00000Abc12QAB' },
  request: (i) => ({ method: 'PATCH', path: sobjectPath(i.type, i.id), json: i.fields }),
  respond: (_res, i) => ({ id: i.id }),
});
