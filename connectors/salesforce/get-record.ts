import { z } from 'zod';
import { defineAction } from './auth';
import { fieldName, recordId, sobjectPath, sobjectRecord, sobjectType } from './records';

/** GET /sobjects/<type>/<id>?fields=… (all readable fields when none are named). */
export const getRecord = defineAction({
  description: 'Reads one record by id, optionally only the named fields.',
  input: z.object({ type: sobjectType, id: recordId, fields: z.array(fieldName).min(1).optional() }),
  output: z.object({ record: sobjectRecord }),
  effect: { kind: 'none' },
  sample: { record: { attributes: { type: 'Contact', url: '/services/data/v62.0/sobjects/Contact/003gK00000Abc12QAB' }, Id: '003gK00000Abc12QAB', LastName: 'Lovelace', Email: 'ada@example.com' } },
  request: (i) => ({ method: 'GET', path: sobjectPath(i.type, i.id), query: { fields: i.fields?.join(',') } }),
  respond: (res) => ({ record: sobjectRecord.parse(res.body) }),
});
