import { z } from 'zod';
import { defineAction } from './auth';
import { fieldValues, insertRecord, recordId } from './records';

/** POST /sobjects/Case; `fields` carries anything else the org's Case layout has (custom fields). */
export const createCase = defineAction({
  description: 'Opens a support Case, optionally on a Contact and Account, with origin and priority.',
  input: z.object({
    subject: z.string().min(1).max(255),
    description: z.string().max(32_000).optional(),
    contactId: recordId.optional(),
    accountId: recordId.optional(),
    /** Picklist: the org's values, e.g. Web, Email, Phone, Chat. */
    origin: z.string().min(1).optional(),
    priority: z.string().min(1).optional(),
    /** The requester's email when there is no Contact (web-to-case style). */
    suppliedEmail: z.email().optional(),
    fields: fieldValues.default({}),
  }),
  output: z.object({ id: z.string() }),
  effect: { kind: 'atLeastOnce', why: 'Salesforce create takes no idempotency key; upsert by an external id where the object has one' },
  sample: { id: '500gK00000Qrs56UAB' },
  async run(ctx, i) {
    const fields = {
      ...i.fields,
      Subject: i.subject,
      Description: i.description,
      ContactId: i.contactId,
      AccountId: i.accountId,
      Origin: i.origin,
      Priority: i.priority,
      SuppliedEmail: i.suppliedEmail,
    };
    return { id: await insertRecord(ctx, 'Case', fields) };
  },
});
