import type { VendorProfile } from '../sdk/types';

interface JiraErrors {
  errorMessages?: string[];
  errors?: Record<string, string>;
}

/** `{"errorMessages":[…],"errors":{"<field>":"<message>"}}`; 429 carries Retry-After. */
export const jiraVendor: VendorProfile = {
  vendor: 'Jira',
  headers: { accept: 'application/json' },
  // An invisible project or issue answers 404: the step's input named something that is not there.
  rules: [{ status: 404, kind: 'invalid_input' }],
  errorDetails(body) {
    const b = body as JiraErrors | undefined;
    if (!b || typeof b !== 'object') return {};
    const [field, fieldMessage] = Object.entries(b.errors ?? {})[0] ?? [];
    const message = [...(b.errorMessages ?? []), ...(field ? [`${field}: ${fieldMessage}`] : [])].join('; ');
    return { message: message || undefined, field };
  },
};
