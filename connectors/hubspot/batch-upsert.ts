import { z } from 'zod';
import { defineAction } from './auth';
import { objectType, propertyValues } from './objects';

const upserted = z.looseObject({ id: z.string(), new: z.boolean().optional(), properties: z.record(z.string(), z.string().nullable()).optional(), objectWriteTraceId: z.string().optional() });
const failure = z.looseObject({ category: z.string().optional(), message: z.string().optional(), context: z.record(z.string(), z.unknown()).optional() });
const batchResponse = z.object({ results: z.array(upserted).default([]), errors: z.array(failure).default([]) });

const outcome = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), key: z.string(), id: z.string(), created: z.boolean() }),
  z.object({ ok: z.literal(false), key: z.string(), category: z.string(), message: z.string() }),
]);

/** Ids of the inputs a 207 error is about: the `objectWriteTraceId`s we sent (the input's index), else the id values it names. */
function blamedInputs(context: Record<string, unknown> | undefined): string[] {
  const ids = context?.objectWriteTraceId ?? context?.ids ?? context?.id;
  return Array.isArray(ids) ? ids.map(String) : typeof ids === 'string' ? [ids] : [];
}

/**
 * POST /crm/v3/objects/{type}/batch/upsert (up to 100 inputs): creates or updates each record by a
 * unique property (a contact's `email`, or a custom unique property). 200 when all succeed, 207
 * multi-status when some fail; each input carries its index as `objectWriteTraceId`, so every
 * result and error maps back to the input it is about.
 */
export const batchUpsert = defineAction({
  title: 'Batch upsert records',
  description: 'Creates or updates up to 100 HubSpot records by a unique property (email for contacts); reports each record’s outcome.',
  input: z.object({
    objectType,
    /** The unique property the `key` of each record is a value of. */
    idProperty: z.string().min(1).default('email'),
    records: z.array(z.object({ key: z.string().min(1), properties: propertyValues })).min(1).max(100),
  }),
  output: z.object({ results: z.array(outcome), created: z.number().int(), updated: z.number().int(), failed: z.number().int() }),
  effect: { kind: 'idempotencyKey', key: 'idProperty (batch upsert)' },
  sample: { results: [{ ok: true, key: 'ada@example.com', id: '512', created: false }], created: 0, updated: 1, failed: 0 },
  async run(ctx, i) {
    const inputs = i.records.map((r, index) => ({ idProperty: i.idProperty, id: r.key, objectWriteTraceId: String(index), properties: r.properties }));
    const res = await ctx.http.request({ method: 'POST', path: `/crm/v3/objects/${i.objectType}/batch/upsert`, json: { inputs } });
    const body = batchResponse.parse(res.body);
    const indexOf = (ref: string) => {
      const byTrace = inputs.findIndex((input) => input.objectWriteTraceId === ref);
      return byTrace >= 0 ? byTrace : inputs.findIndex((input) => input.id.toLowerCase() === ref.toLowerCase());
    };
    const results: z.input<typeof outcome>[] = [];
    for (const r of body.results) {
      const index = indexOf(r.objectWriteTraceId ?? r.properties?.[i.idProperty] ?? '');
      if (index >= 0) results[index] = { ok: true, key: inputs[index]!.id, id: r.id, created: r.new === true };
    }
    for (const e of body.errors) {
      for (const index of blamedInputs(e.context).map(indexOf)) {
        if (index >= 0) results[index] = { ok: false, key: inputs[index]!.id, category: e.category ?? 'error', message: e.message ?? 'rejected' };
      }
    }
    const all = inputs.map((input, index) => results[index] ?? { ok: false as const, key: input.id, category: 'MISSING_RESULT', message: 'HubSpot reported neither a result nor an error for this record' });
    return {
      results: all,
      created: all.filter((r) => r.ok && r.created).length,
      updated: all.filter((r) => r.ok && !r.created).length,
      failed: all.filter((r) => !r.ok).length,
    };
  },
});
