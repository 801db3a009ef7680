import { z } from 'zod';
import { sharedFields } from './fields';
import { recordActions } from './records';

/** createOrganization / updateOrganization: `name` is required to create. */
export const organizationActions = recordActions('organization', z.object({ name: z.string().min(1), address: z.looseObject({ value: z.string() }), ...sharedFields }), {
  id: 4,
  name: 'Analytical Engines Ltd',
  add_time: '2026-11-27T12:00:00Z',
  update_time: '2026-11-27T12:00:00Z',
});
