import { z } from 'zod';
import { defineAction } from './auth';
import { fieldName, fieldValues, sobjectType } from './records';

const saveError = z.looseObject({ statusCode: z.string().optional(), message: z.string().optional(), fields: z.array(z.string()).optional() });
const upsertResult = z.object({ id: z.string().optional(), success: z.boolean(), created: z.boolean().optional(), errors: z.array(saveError).default([]) });

/**
 * sObject Collections upsert: PATCH /composite/sobjects/<type>/<extIdField>, up to 200 records in
 * one call. The answer is 200 with one result per record, in order; a record's failure is in its
 * result (unless `allOrNone`, when every record is rolled back), so per-record outcomes are returned.
 */
export const compositeUpsert = defineAction({
  title: 'Upsert up to 200 records',
  description: 'Creates or updates up to 200 records of one type by an external id field in one call; returns each record’s outcome.',
  input: z
    .object({
      type: sobjectType,
      externalIdField: fieldName,
      records: z.array(fieldValues).min(1).max(200),
      allOrNone: z.boolean().default(false),
    })
    .refine((i) => i.records.every((r) => r[i.externalIdField] !== undefined && r[i.externalIdField] !== null), { message: 'every record needs a value for the external id field', path: ['records'] }),
  output: z.object({
    results: z.array(
      z.object({
        externalId: z.string(),
        id: z.string().optional(),
        success: z.boolean(),
        created: z.boolean().optional(),
        errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional(), fields: z.array(z.string()) })),
      }),
    ),
    created: z.number().int(),
    updated: z.number().int(),
    failed: z.number().int(),
  }),
  effect: { kind: 'idempotencyKey', key: 'the external id field (upsert)' },
  sample: { results: [{ externalId: 'ic-42', id: '003gK00000Abc12QAB', success: true, created: true, errors: [] }], created: 1, updated: 0, failed: 0 },
  request: (i) => ({
    method: 'PATCH',
    path: `/composite/sobjects/${i.type}/${i.externalIdField}`,
    json: { allOrNone: i.allOrNone, records: i.records.map((r) => ({ attributes: { type: i.type }, ...r })) },
  }),
  respond(res, i) {
    const parsed = z.array(upsertResult).parse(res.body);
    const results = parsed.map((r, n) => ({
      externalId: String(i.records[n]![i.externalIdField]),
      id: r.id,
      success: r.success,
      created: r.created,
      errors: r.errors.map((e) => ({ code: e.statusCode, message: e.message, fields: e.fields ?? [] })),
    }));
    return {
      results,
      created: results.filter((r) => r.success && r.created).length,
      updated: results.filter((r) => r.success && !r.created).length,
      failed: results.filter((r) => !r.success).length,
    };
  },
});
