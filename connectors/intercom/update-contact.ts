import { z } from 'zod';
import { defineAction } from './auth';
import { contact, contactSample } from './contact';
import { customAttributes } from './custom-attributes';

/**
 * PUT /contacts/{id}: sets the given fields and custom attributes (others stay). Intercom refuses a
 * custom attribute the workspace has not defined (400 naming it), which surfaces as invalid input.
 */
export const updateContact = defineAction({
  description: "Updates a contact's fields and custom attributes (by Intercom id); attributes not given are left as they are.",
  input: z
    .object({
      contactId: z.string().min(1),
      name: z.string().optional(),
      email: z.email().optional(),
      phone: z.string().optional(),
      externalId: z.string().min(1).optional(),
      ownerId: z.number().int().optional(),
      customAttributes: customAttributes.optional(),
    })
    .refine((i) => Object.keys(i).some((k) => k !== 'contactId'), { message: 'give at least one field to update', path: ['customAttributes'] }),
  output: contact,
  effect: { kind: 'idempotencyKey', key: 'the contact id (PUT sets the fields)' },
  sample: contactSample,
  request: (i) => ({
    method: 'PUT',
    path: `/contacts/${encodeURIComponent(i.contactId)}`,
    json: { name: i.name, email: i.email, phone: i.phone, external_id: i.externalId, owner_id: i.ownerId, custom_attributes: i.customAttributes },
  }),
});
