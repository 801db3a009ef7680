import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';

/** Tables of migration 003 (outgoing webhooks). Times are ISO-8601 text, JSON is text. */
type WebhookTables = {
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_messages: WebhookMessageTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
};

export type WebhookDb = Kysely<Database & WebhookTables>;

/** The shared store handle, typed with the outgoing-webhook tables too. */
export function webhookDb(db: Kysely<Database>): WebhookDb {
  return db.withTables<WebhookTables>();
}

export interface WebhookSubscriptionTable {
  id: string;
  url: string;
  topics_json: string;
  description: string | null;
  status: string;
  disabled_reason: string | null;
  secret_ciphertext: string;
  secret_key_id: string;
  previous_secret_ciphertext: string | null;
  previous_secret_key_id: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

interface WebhookMessageTable {
  id: string;
  topic: string;
  /** Plaintext only on rows from before sealing (payload_key_id null); '' once sealed. */
  payload_json: string;
  payload_ciphertext: string | null;
  payload_key_id: string | null;
  created_at: string;
  /** The connection the message is about, when it is about one (migration 014). */
  connection_id: string | null;
}

export interface WebhookDeliveryTable {
  subscription_id: string;
  message_id: string;
  status: string;
  attempts: number;
  first_sent_at: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  message_created_at: string;
  updated_at: string;
}

export interface WebhookAttemptTable {
  id: string;
  subscription_id: string;
  message_id: string;
  attempt: number;
  attempted_at: string;
  outcome: string;
  status_code: number | null;
  latency_ms: number;
  response_snippet: string | null;
  error: string | null;
  next_attempt_at: string | null;
}
