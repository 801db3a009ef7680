import { z } from 'zod';
import { defineAction } from './auth';
import { fieldValues, insertRecord, sobjectType } from './records';

/** POST /sobjects/<type>/. Salesforce has no idempotency key: a retry after a lost response creates a second record. */
export const createRecord = defineAction({
  description: 'Creates a record of any sObject type (Contact, Lead, Account, a custom object) from field values.',
  input: z.object({ type: sobjectType, fields: fieldValues }),
  output: z.object({ id: z.string() }),
  effect: { kind: 'atLeastOnce', why: 'Salesforce create takes no idempotency key; upsertByExternalId where the object has one' },
  sample: { id: '003gK00000Abc12QAB' },
  async run(ctx, i) {
    return { id: await insertRecord(ctx, i.type, i.fields) };
  },
});
