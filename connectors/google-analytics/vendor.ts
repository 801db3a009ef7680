import type { VendorProfile } from '../sdk/types';

interface ValidationMessage {
  fieldPath?: string;
  description?: string;
  validationCode?: string;
}

/** The payload's snake_case fields → the action's input fields. */
const inputFieldOf: Readonly<Record<string, string>> = { client_id: 'clientId', user_id: 'userId', user_properties: 'userProperties', timestamp_micros: 'timestampMicros' };

/** `events` + "Event at index: [2] …" → `events[2]`; `events.params` → `events[2].params`. */
function inputField(m: ValidationMessage): string | undefined {
  if (!m.fieldPath) return undefined;
  const [head, ...rest] = m.fieldPath.split('.');
  const index = /index: \[(\d+)\]/.exec(m.description ?? '')?.[1];
  const root = head === 'events' && index !== undefined ? `events[${index}]` : (inputFieldOf[head!] ?? head!);
  return [root, ...rest].join('.');
}

/**
 * GA4's collect endpoint answers 2xx to everything, so the only errors are the validation
 * server's `validationMessages` inside a 200 (an empty list means valid); they are our input's fault.
 */
export const googleAnalyticsVendor: VendorProfile = {
  vendor: 'Google Analytics',
  inspect(response) {
    const messages = (response.body as { validationMessages?: ValidationMessage[] } | undefined)?.validationMessages;
    if (!Array.isArray(messages) || messages.length === 0) return undefined;
    const first = messages[0]!;
    const field = inputField(first);
    const text = messages.map((m) => `${inputField(m) ?? 'payload'}: ${m.description ?? 'invalid'} (${m.validationCode ?? 'VALUE_INVALID'})`).join('; ');
    return { kind: 'invalid_input', message: text, code: first.validationCode, field };
  },
};
