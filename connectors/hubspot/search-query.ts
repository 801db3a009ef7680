import { z } from 'zod';

/** HubSpot's filter operators (CRM search). */
const operator = z.enum(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

const filter = z.object({
  propertyName: z.string().min(1),
  operator,
  value: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
  /** For IN / NOT_IN. */
  values: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
  /** The upper bound of BETWEEN. */
  highValue: z.union([z.string(), z.number()]).transform(String).optional(),
});

/** Groups are ORed, the filters inside one ANDed; HubSpot allows 5 groups of at most 6 filters. */
export const filterGroups = z.array(z.object({ filters: z.array(filter).min(1).max(6) })).max(5).default([]);
export type FilterGroup = z.output<typeof filterGroups>[number];

export const sorts = z.array(z.object({ propertyName: z.string().min(1), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') })).max(1).default([]);
