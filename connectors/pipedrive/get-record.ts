import { z } from 'zod';
import { defineAction } from './auth';
import { pipedriveObject, pipedriveObjects, pipedriveRecord, recordEnvelope } from './objects';
import { recordId } from './fields';

/** GET /api/v2/<objects>/<id>: a deal's webhook carries only ids, so a recipe reads the person it names. */
export const getRecord = defineAction({
  title: 'Get a person, organization or deal',
  description: 'Reads one Pipedrive record by id (v2 API).',
  input: z.object({ object: pipedriveObject, id: recordId() }),
  output: pipedriveRecord,
  effect: { kind: 'none' },
  sample: { id: 17, name: 'Ada Lovelace', emails: [{ value: 'ada@example.com', primary: true, label: 'work' }], add_time: '2026-11-27T12:00:00Z', update_time: '2026-11-27T12:00:00Z' },
  request: (i) => ({ method: 'GET', path: `/api/v2/${pipedriveObjects[i.object]}/${i.id}` }),
  respond: (res) => recordEnvelope.parse(res.body).data,
});
