/**
 * GA4's naming rules and collection limits for Measurement Protocol payloads, as data
 * (developers.google.com/analytics/devguides/collection/protocol/ga4/reference#reserved_names,
 * support.google.com/analytics/answer/9267744). Google drops what breaks them without an error,
 * so the action's input schema rejects them before the call.
 */
export const ga4Limits = {
  eventsPerRequest: 25,
  paramsPerEvent: 25,
  nameLength: 40,
  userProperties: 25,
  userPropertyNameLength: 24,
  userPropertyValueLength: 36,
  paramValueLength: 100,
  userIdLength: 256,
} as const;

/** Longer values GA4 accepts for these parameters. */
export const longParamValueLimits: Readonly<Record<string, number>> = { page_title: 300, page_referrer: 420, page_location: 1000 };

export const namePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

export const reservedEventNames: ReadonlySet<string> = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_impression', 'ad_query', 'ad_reward', 'adunit_exposure',
  'app_background', 'app_clear_data', 'app_exception', 'app_install', 'app_remove', 'app_store_refund',
  'app_store_subscription_cancel', 'app_store_subscription_convert', 'app_store_subscription_renew', 'app_update', 'app_upgrade',
  'dynamic_link_app_open', 'dynamic_link_app_update', 'dynamic_link_first_open', 'error', 'first_open', 'first_visit',
  'in_app_purchase', 'notification_dismiss', 'notification_foreground', 'notification_open', 'notification_receive',
  'os_update', 'session_start', 'session_start_with_rollout', 'user_engagement',
]);

export const reservedUserPropertyNames: ReadonlySet<string> = new Set(['first_open_time', 'first_visit_time', 'last_deep_link_referrer', 'user_id', 'first_open_after_install']);

/** Event and user-property names may not start with these; parameter names neither, nor with `gtag.`. */
export const reservedPrefixes = ['_', 'firebase_', 'ga_', 'google_'] as const;
export const reservedParamPrefixes = [...reservedPrefixes, 'gtag.'] as const;

export function reservedPrefixOf(name: string, prefixes: readonly string[]): string | undefined {
  return prefixes.find((p) => name.startsWith(p));
}
