import { z } from 'zod';
import { defineAction } from './auth';

const found = z.looseObject({
  id: z.number().int(),
  name: z.string().nullish(),
  emails: z.array(z.string()).default([]),
  organization: z.looseObject({ id: z.number().int(), name: z.string().nullish() }).nullish(),
});
const searchResponse = z.object({
  success: z.literal(true),
  data: z.object({ items: z.array(z.object({ result_score: z.number().optional(), item: found })) }),
});

/**
 * GET /api/v2/persons/search with `fields=email&exact_match=true`: the persons whose email is
 * exactly the given one (Pipedrive compares case-insensitively). One page of up to `limit`.
 */
export const searchPersons = defineAction({
  title: 'Find persons by email',
  description: 'Finds Pipedrive persons by exact email address.',
  input: z.object({ email: z.string().min(1), limit: z.number().int().min(1).max(500).default(10) }),
  output: z.object({ persons: z.array(found), firstId: z.number().int().nullable() }),
  effect: { kind: 'none' },
  sample: { persons: [{ id: 17, name: 'Ada Lovelace', emails: ['ada@example.com'], organization: { id: 4, name: 'Analytical Engines Ltd' } }], firstId: 17 },
  request: (i) => ({
    method: 'GET',
    path: '/api/v2/persons/search',
    query: { term: i.email, fields: 'email', exact_match: true, limit: i.limit },
  }),
  respond(res) {
    const persons = searchResponse.parse(res.body).data.items.map((hit) => hit.item);
    return { persons, firstId: persons[0]?.id ?? null };
  },
});
