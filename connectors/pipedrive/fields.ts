import { z } from 'zod';

export const recordId = () => z.number().int().positive();

/** `[{ value, primary, label }]`: how v2 takes emails and phones. */
export const contactPoints = z.array(z.object({ value: z.string().min(1), primary: z.boolean().optional(), label: z.string().optional() }).strict()).min(1);

/** Writable fields every record type has; `custom_fields` is keyed by the field's hash key. */
export const sharedFields = {
  owner_id: recordId(),
  visible_to: z.number().int(),
  label_ids: z.array(recordId()),
  custom_fields: z.record(z.string(), z.unknown()),
};
