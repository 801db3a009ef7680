import { z } from 'zod';
import { defineAction } from './auth';
import { pipedriveObjects, pipedriveRecord, recordEnvelope, type PipedriveObject } from './objects';

type Fields = z.ZodObject<z.ZodRawShape>;

/** The record type in the action keys (`createPerson`, whose title follows: "Create person"). */
const keyNames: Record<PipedriveObject, string> = { person: 'Person', organization: 'Organization', deal: 'Deal' };
/** The one field Pipedrive requires to create each record type. */
const requiredToCreate: Record<PipedriveObject, string> = { person: 'name', organization: 'name', deal: 'title' };

/**
 * `createX` (POST /api/v2/<objects>) and `updateX` (PATCH /api/v2/<objects>/<id>) for one record
 * type, from its writable fields. The input is strict, so a field Pipedrive would reject (v2
 * validates strictly) is refused before any call. Creating is not idempotent (Pipedrive has no
 * idempotency key); an update sends the same fields again, so repeating it changes nothing more.
 */
export function recordActions<F extends Fields>(object: PipedriveObject, fields: F, sample: z.output<typeof pipedriveRecord>) {
  const keyName = keyNames[object];
  const path = `/api/v2/${pipedriveObjects[object]}`;
  const create = defineAction({
    description: `Adds a ${object} to Pipedrive (v2 API) and returns it.`,
    input: fields
      .partial()
      .required({ [requiredToCreate[object]]: true })
      .strict(),
    output: pipedriveRecord,
    effect: { kind: 'atLeastOnce', why: 'Pipedrive create takes no idempotency key' },
    sample,
    request: (i) => ({ method: 'POST', path, json: i }),
    respond: (res) => recordEnvelope.parse(res.body).data,
  });
  const update = defineAction({
    description: `Changes the given fields of a Pipedrive ${object} (v2 API) and returns it.`,
    input: fields
      .partial()
      .extend({ id: z.number().int().positive() })
      .strict()
      .refine((i) => Object.keys(i).length > 1, { message: 'give at least one field to change', path: ['id'] }),
    output: pipedriveRecord,
    effect: { kind: 'idempotencyKey', key: 'the record id (PATCH sets the fields)' },
    sample,
    request: ({ id, ...changes }) => ({ method: 'PATCH', path: `${path}/${id}`, json: changes }),
    respond: (res) => recordEnvelope.parse(res.body).data,
  });
  return { [`create${keyName}`]: create, [`update${keyName}`]: update };
}
