import { z } from 'zod';
import { companyAction, companySample } from './company';

/** POST /contacts/{contact_id}/companies `{id}`: attaching an attached contact changes nothing. */
export const attachContactToCompany = companyAction({
  description: 'Attaches a contact to a company (both by Intercom id).',
  input: z.object({
    /** The contact's Intercom id. */
    contactId: z.string().min(1),
    /** The company's Intercom id (`steps.<createOrUpdateCompany step>.id`), not your company_id. */
    company: z.string().min(1),
  }),
  sample: { ...companySample, userCount: 4 },
  request: (i) => ({ method: 'POST', path: `/contacts/${encodeURIComponent(i.contactId)}/companies`, json: { id: i.company } }),
});
