import { z } from 'zod';

/** Custom attribute values Intercom stores (a string, number, boolean, or null to clear). */
export const customAttributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
