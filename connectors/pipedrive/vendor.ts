import type { VendorProfile } from '../sdk/types';

interface PipedriveError {
  success?: boolean;
  error?: string;
  error_info?: string;
  code?: string;
}

/** `Validation failed: <field>: <why>`: the v2 API's 400 names the offending field this way. */
const blamedField = /^Validation failed: ([A-Za-z_][\w.[\]]*):/;

/** What the plan or permission refusal means for whoever reads the failed run. */
const planMessages: Readonly<Record<number, string>> = {
  402: 'the Pipedrive account is not open (trial ended or payment due); renew the subscription',
  403: 'Pipedrive refused: the user lacks the permission, or the plan limit for this entity is reached',
};

/**
 * Pipedrive's envelope `{success:false, error, error_info, code?}`. The default table fits: 401 =
 * invalid token (auth lost), 400 validation (invalid input), 402 account not open and 403
 * permission or plan limit (`feature_capping_*`) fatal, here with a message saying which; 429
 * carries `x-ratelimit-reset` (seconds until the rolling window resets).
 */
export const pipedriveVendor: VendorProfile = {
  vendor: 'Pipedrive',
  headers: { accept: 'application/json' },
  rateLimitResetHeader: 'x-ratelimit-reset',
  errorDetails(body, response) {
    const b = body && typeof body === 'object' ? (body as PipedriveError) : {};
    const vendorMessage = b.error ?? (typeof body === 'string' ? body.slice(0, 300) : undefined);
    const plan = planMessages[response.status];
    const message = plan ? `${plan}${vendorMessage ? ` (${vendorMessage})` : ''}` : vendorMessage;
    return { message, code: b.code, field: vendorMessage ? blamedField.exec(vendorMessage)?.[1] : undefined };
  },
};
