import { randomBytes } from 'node:crypto';
import { OpenedSecrets } from '../security/opened-secrets';
import type { SecretBox } from '../security/secret-box';
import { generateSecret, type SigningSecrets } from './signing';
import type { WebhookDb, WebhookSubscriptionTable } from './tables';

type SubscriptionStatus = 'enabled' | 'disabled';

/** A subscription as the API shows it: never with its secret (that is shown once, at create and rotate). */
export interface Subscription {
  id: string;
  url: string;
  topics: string[];
  description: string | null;
  status: SubscriptionStatus;
  disabledReason: string | null;
  failingSince: string | null;
  /** End of the current secret-rotation window, while the previous secret still signs. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewSubscription {
  url: string;
  topics: string[];
  description?: string | null;
}

function newSubscriptionId(): string {
  return 'whsub_' + randomBytes(12).toString('base64url').replace(/[-_]/g, 'x');
}

/** Subscriptions with their signing secret sealed at rest (AAD binds it to the subscription id). */
export class SubscriptionStore {
  /** Each delivery attempt signs with its subscription's secrets: each ciphertext is decrypted once per process. */
  private readonly opened: OpenedSecrets;

  constructor(
    private readonly db: WebhookDb,
    private readonly secrets: SecretBox,
  ) {
    this.opened = new OpenedSecrets(secrets);
  }

  async create(input: NewSubscription, now = new Date()): Promise<{ subscription: Subscription; secret: string }> {
    const id = newSubscriptionId();
    const secret = generateSecret();
    const sealed = this.secrets.seal(secret, aad(id));
    const at = now.toISOString();
    const row: WebhookSubscriptionTable = {
      id,
      url: input.url,
      topics_json: JSON.stringify(input.topics),
      description: input.description ?? null,
      status: 'enabled',
      disabled_reason: null,
      secret_ciphertext: sealed.ciphertext,
      secret_key_id: sealed.keyId,
      previous_secret_ciphertext: null,
      previous_secret_key_id: null,
      previous_secret_expires_at: null,
      failing_since: null,
      created_at: at,
      updated_at: at,
    };
    await this.db.insertInto('webhook_subscriptions').values(row).execute();
    return { subscription: toSubscription(row), secret };
  }

  async get(id: string): Promise<Subscription | undefined> {
    const row = await this.row(id);
    return row && toSubscription(row);
  }

  async list(): Promise<Subscription[]> {
    return (await this.rows().orderBy('created_at').orderBy('id').execute()).map(toSubscription);
  }

  async listEnabled(): Promise<Subscription[]> {
    return (await this.rows().where('status', '=', 'enabled').execute()).map(toSubscription);
  }

  /** Every stored column, secrets still sealed. */
  private rows() {
    return this.db.selectFrom('webhook_subscriptions').selectAll();
  }

  private row(id: string) {
    return this.rows().where('id', '=', id).executeTakeFirst();
  }

  async update(id: string, patch: Partial<NewSubscription>, now = new Date()): Promise<Subscription | undefined> {
    const values: Partial<WebhookSubscriptionTable> = { updated_at: now.toISOString() };
    if (patch.url !== undefined) values.url = patch.url;
    if (patch.topics !== undefined) values.topics_json = JSON.stringify(patch.topics);
    if (patch.description !== undefined) values.description = patch.description;
    await this.db.updateTable('webhook_subscriptions').set(values).where('id', '=', id).execute();
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Enabling starts a fresh failure clock. */
  async enable(id: string, now = new Date()): Promise<Subscription | undefined> {
    await this.db
      .updateTable('webhook_subscriptions')
      .set({ status: 'enabled', disabled_reason: null, failing_since: null, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  /** True if this call disabled it (false if it was already disabled or does not exist). */
  async disable(id: string, reason: string, now = new Date()): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_subscriptions')
      .set({ status: 'disabled', disabled_reason: reason, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'enabled')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** New current secret; the old one keeps signing (second `v1,` signature) until `now + windowMs`. */
  async rotateSecret(id: string, windowMs: number, now = new Date()): Promise<{ subscription: Subscription; secret: string } | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    const secret = generateSecret();
    const sealed = this.secrets.seal(secret, aad(id));
    const keepPrevious = windowMs > 0;
    await this.db
      .updateTable('webhook_subscriptions')
      .set({
        secret_ciphertext: sealed.ciphertext,
        secret_key_id: sealed.keyId,
        previous_secret_ciphertext: keepPrevious ? row.secret_ciphertext : null,
        previous_secret_key_id: keepPrevious ? row.secret_key_id : null,
        previous_secret_expires_at: keepPrevious ? new Date(now.getTime() + windowMs).toISOString() : null,
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    return { subscription: (await this.get(id))!, secret };
  }

  /** The secrets that sign a delivery made at `now`; only the send activity and the test ping call this. */
  async signingSecrets(id: string, now = new Date()): Promise<SigningSecrets | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    const current = this.opened.open({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, aad(id));
    const previousOpen =
      row.previous_secret_ciphertext && row.previous_secret_key_id && row.previous_secret_expires_at && Date.parse(row.previous_secret_expires_at) > now.getTime();
    if (!previousOpen) return { current };
    return { current, previous: this.opened.open({ keyId: row.previous_secret_key_id!, ciphertext: row.previous_secret_ciphertext! }, aad(id), 'previous') };
  }

  /** Records an attempt's outcome on the failure clock; returns when the current run of failures began (null after a success). */
  async recordOutcome(id: string, success: boolean, at: Date): Promise<string | null> {
    if (success) {
      await this.db.updateTable('webhook_subscriptions').set({ failing_since: null }).where('id', '=', id).execute();
      return null;
    }
    await this.db
      .updateTable('webhook_subscriptions')
      .set({ failing_since: at.toISOString() })
      .where('id', '=', id)
      .where('failing_since', 'is', null)
      .execute();
    const row = await this.db.selectFrom('webhook_subscriptions').select('failing_since').where('id', '=', id).executeTakeFirst();
    return row?.failing_since ?? null;
  }
}

/**
 * Re-encrypts every signing secret (current and previous) not yet under the store's current
 * master key, for `switchyard keys rotate`. Only ciphertexts change; a concurrent secret
 * rotation wins over the reseal.
 */
export async function resealSubscriptionSecrets(db: WebhookDb, secrets: SecretBox): Promise<{ total: number; resealed: number; unreadable: string[] }> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().execute();
  let resealed = 0;
  const unreadable: string[] = [];
  for (const row of rows) {
    const current = row.secret_key_id !== secrets.currentKeyId;
    const previous = row.previous_secret_ciphertext !== null && row.previous_secret_key_id !== secrets.currentKeyId;
    if (!current && !previous) continue;
    try {
      const values: Partial<WebhookSubscriptionTable> = {};
      if (current) {
        const sealed = secrets.seal(secrets.open({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, aad(row.id)), aad(row.id));
        values.secret_ciphertext = sealed.ciphertext;
        values.secret_key_id = sealed.keyId;
      }
      if (previous) {
        const sealed = secrets.seal(secrets.open({ keyId: row.previous_secret_key_id!, ciphertext: row.previous_secret_ciphertext! }, aad(row.id)), aad(row.id));
        values.previous_secret_ciphertext = sealed.ciphertext;
        values.previous_secret_key_id = sealed.keyId;
      }
      const result = await db
        .updateTable('webhook_subscriptions')
        .set(values)
        .where('id', '=', row.id)
        .where('secret_ciphertext', '=', row.secret_ciphertext)
        .executeTakeFirst();
      resealed += Number(result.numUpdatedRows);
    } catch {
      unreadable.push(row.id);
    }
  }
  return { total: rows.length, resealed, unreadable };
}

function aad(id: string): string {
  return `webhook-subscription:${id}`;
}

function toSubscription(row: WebhookSubscriptionTable): Subscription {
  return {
    id: row.id,
    url: row.url,
    topics: JSON.parse(row.topics_json) as string[],
    description: row.description,
    status: row.status as SubscriptionStatus,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
