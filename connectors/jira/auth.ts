import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, pollingTriggerFor } from '../sdk/connector';

/** Jira Cloud: Basic `email:api_token` against the site URL (https://<site>.atlassian.net). */
export const jiraAuth = auth.basic({
  extra: { siteUrl: z.url({ protocol: /^https?$/ }) },
  accountLabel: (c) => `${c.username} @ ${new URL(c.siteUrl).host}`,
});
export const defineAction = actionFor(jiraAuth);
export const definePollingTrigger = pollingTriggerFor(jiraAuth);
