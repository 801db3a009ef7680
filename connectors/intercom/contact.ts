import { z } from 'zod';

/** An Intercom contact as search and update answer it; fields beyond these pass through. */
export const contact = z.looseObject({
  type: z.literal('contact'),
  id: z.string(),
  role: z.string(),
  email: z.string().nullish(),
  external_id: z.string().nullish(),
  name: z.string().nullish(),
  created_at: z.number(),
  updated_at: z.number(),
  custom_attributes: z.record(z.string(), z.unknown()).optional(),
});

export const contactSample = {
  type: 'contact' as const,
  id: '6657a1b2c3d4e5f6a7b8c9d0',
  role: 'user',
  email: 'ada@example.com',
  external_id: null,
  name: 'Ada Lovelace',
  created_at: 1764230400,
  updated_at: 1764234000,
  custom_attributes: { plan: 'pro' },
};
