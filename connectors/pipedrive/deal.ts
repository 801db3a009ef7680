import { z } from 'zod';
import { recordId, sharedFields } from './fields';
import { recordActions } from './records';

/** createDeal / updateDeal: `title` is required to create; `status` open, won or lost. */
export const dealActions = recordActions(
  'deal',
  z.object({
    title: z.string().min(1),
    person_id: recordId(),
    org_id: recordId(),
    pipeline_id: recordId(),
    stage_id: recordId(),
    value: z.number(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code, e.g. EUR'),
    status: z.enum(['open', 'won', 'lost']),
    lost_reason: z.string(),
    probability: z.number().min(0).max(100),
    expected_close_date: z.iso.date(),
    ...sharedFields,
  }),
  { id: 42, title: 'Analytical Engines renewal', status: 'won', value: 12000, currency: 'EUR', person_id: 17, org_id: 4, add_time: '2026-11-20T09:00:00Z', update_time: '2026-11-27T12:00:00Z' },
);
