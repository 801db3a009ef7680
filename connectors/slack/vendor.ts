import type { FailureKind } from '../sdk/errors';
import type { VendorProfile } from '../sdk/types';

/** Slack reports errors as `ok:false` inside HTTP 200: each code is classified here, as data. */
const slackErrorKinds: Readonly<Record<string, FailureKind>> = {
  not_authed: 'auth_lost',
  invalid_auth: 'auth_lost',
  token_revoked: 'auth_lost',
  token_expired: 'auth_lost',
  account_inactive: 'auth_lost',
  channel_not_found: 'invalid_input',
  not_in_channel: 'invalid_input',
  is_archived: 'invalid_input',
  msg_too_long: 'invalid_input',
  no_text: 'invalid_input',
  too_many_attachments: 'invalid_input',
  invalid_blocks: 'invalid_input',
  invalid_arg_name: 'invalid_input',
  invalid_array_arg: 'invalid_input',
  invalid_charset: 'invalid_input',
  invalid_form_data: 'invalid_input',
  invalid_post_type: 'invalid_input',
  missing_post_type: 'invalid_input',
  ratelimited: 'rate_limited',
  rate_limited: 'rate_limited',
  internal_error: 'retryable',
  fatal_error: 'retryable',
  service_unavailable: 'retryable',
  request_timeout: 'retryable',
  missing_scope: 'fatal',
};

const fieldOf: Readonly<Record<string, string>> = { channel_not_found: 'channel', not_in_channel: 'channel', is_archived: 'channel', msg_too_long: 'text', no_text: 'text', invalid_blocks: 'blocks' };

interface SlackBody {
  ok?: boolean;
  error?: string;
  needed?: string;
}

export const slackVendor: VendorProfile = {
  vendor: 'Slack',
  errorDetails(body) {
    const b = body as SlackBody | undefined;
    return b?.error ? { message: b.error, code: b.error, field: fieldOf[b.error] } : {};
  },
  inspect(response) {
    const b = response.body as SlackBody | undefined;
    if (!b || typeof b !== 'object' || b.ok !== false) return undefined;
    const code = b.error ?? 'unknown_error';
    const message = code === 'missing_scope' && b.needed ? `missing_scope (needs ${b.needed})` : code;
    return { kind: slackErrorKinds[code] ?? 'fatal', message, code, field: fieldOf[code] };
  },
};
