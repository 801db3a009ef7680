import { z } from 'zod';
import { contactPoints, recordId, sharedFields } from './fields';
import { recordActions } from './records';

/** createPerson / updatePerson: `name` is required to create. */
export const personActions = recordActions('person', z.object({ name: z.string().min(1), org_id: recordId(), emails: contactPoints, phones: contactPoints, ...sharedFields }), {
  id: 17,
  name: 'Ada Lovelace',
  emails: [{ value: 'ada@example.com', primary: true, label: 'work' }],
  org_id: 4,
  add_time: '2026-11-27T12:00:00Z',
  update_time: '2026-11-27T12:00:00Z',
});
