import { z } from 'zod';

/** The issue fields the actions return (`steps.<id>.identifier` is the key users post back, e.g. ENG-123). */
export const issueSelection = 'id identifier url number title';

export const issueOutput = z.object({ id: z.string(), identifier: z.string(), url: z.string(), number: z.number(), title: z.string() });
export type LinearIssue = z.output<typeof issueOutput>;

export const issueSample: LinearIssue = { id: '5bbd35b8-5cb4-4bd4-9b53-2b1c2ca0f6d1', identifier: 'SUP-42', url: 'https://linear.app/acme/issue/SUP-42/checkout-fails', number: 42, title: 'Checkout fails' };

const uuid = z.uuid();
/** Linear ids (team, state, label, user, project) are UUIDs. */
export const linearId = (what: string) => uuid.describe(`${what} id (UUID)`);

/** An existing issue, by its UUID or its identifier (ENG-123): Linear accepts either. */
export const issueRef = z.string().min(1);

/** Linear priority: 0 none, 1 urgent, 2 high, 3 medium (normal), 4 low. */
export const priority = z.number().int().min(0).max(4);
