import type { Kysely } from 'kysely';
import type { SecretBox } from '../security/secret-box';
import type { ConnectionTable, Database } from './schema';

export const connectionStatuses = ['connected', 'disconnected', 'paused'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/** A connection as the API shows it: never with credentials. */
export interface Connection {
  id: string;
  connector: string;
  name: string;
  baseUrl: string | null;
  status: ConnectionStatus;
  statusReason: string | null;
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewConnection {
  id: string;
  connector: string;
  name: string;
  credentials: unknown;
  baseUrl?: string | null;
}

/** Connections with credentials sealed at rest; the AAD binds each ciphertext to its connection id. */
export class ConnectionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
  ) {}

  async create(input: NewConnection, now = new Date()): Promise<Connection> {
    const at = now.toISOString();
    const sealed = this.secrets.seal(JSON.stringify(input.credentials), aad(input.id));
    const row: ConnectionTable = {
      id: input.id,
      connector: input.connector,
      name: input.name,
      credentials_ciphertext: sealed.ciphertext,
      key_id: sealed.keyId,
      base_url: input.baseUrl ?? null,
      status: 'connected',
      status_reason: null,
      status_changed_at: at,
      created_at: at,
      updated_at: at,
    };
    await this.db.insertInto('connections').values(row).execute();
    return toConnection(row);
  }

  /** Creates the connection, or replaces its name, credentials and base URL (which clears a disconnect). */
  async upsert(input: NewConnection, now = new Date()): Promise<Connection> {
    const existing = await this.get(input.id);
    if (!existing) return this.create(input, now);
    await this.updateCredentials(input.id, input.credentials, now, { name: input.name, baseUrl: input.baseUrl ?? null });
    return (await this.get(input.id))!;
  }

  async get(id: string): Promise<Connection | undefined> {
    const row = await this.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toConnection(row);
  }

  async list(): Promise<Connection[]> {
    const rows = await this.db.selectFrom('connections').selectAll().orderBy('id').execute();
    return rows.map(toConnection);
  }

  /** The decrypted credentials; only activities and webhook verification call this. */
  async credentials(id: string): Promise<unknown> {
    const row = await this.db.selectFrom('connections').select(['credentials_ciphertext', 'key_id']).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return JSON.parse(this.secrets.open({ keyId: row.key_id, ciphertext: row.credentials_ciphertext }, aad(id)));
  }

  async updateCredentials(id: string, credentials: unknown, now = new Date(), also: { name?: string; baseUrl?: string | null } = {}): Promise<void> {
    const sealed = this.secrets.seal(JSON.stringify(credentials), aad(id));
    const at = now.toISOString();
    const current = await this.get(id);
    const restore = current?.status === 'disconnected';
    await this.db
      .updateTable('connections')
      .set({
        credentials_ciphertext: sealed.ciphertext,
        key_id: sealed.keyId,
        updated_at: at,
        ...(also.name !== undefined ? { name: also.name } : {}),
        ...(also.baseUrl !== undefined ? { base_url: also.baseUrl } : {}),
        ...(restore ? { status: 'connected', status_reason: null, status_changed_at: at } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Name and base URL only; status and credentials stay as they are. */
  async updateDetails(id: string, also: { name?: string; baseUrl?: string | null }, now = new Date()): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({
        updated_at: now.toISOString(),
        ...(also.name !== undefined ? { name: also.name } : {}),
        ...(also.baseUrl !== undefined ? { base_url: also.baseUrl } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Returns the previous status, or undefined when the connection does not exist. */
  async setStatus(id: string, status: ConnectionStatus, reason: string | null, now = new Date()): Promise<ConnectionStatus | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    if (current.status !== status || current.statusReason !== reason) {
      const at = now.toISOString();
      await this.db.updateTable('connections').set({ status, status_reason: reason, status_changed_at: at, updated_at: at }).where('id', '=', id).execute();
    }
    return current.status;
  }

  /**
   * Re-encrypts every row not yet under the current key (any configured key may open it).
   * Only the ciphertext and key id change; a concurrent credentials update wins over the reseal.
   */
  async resealAll(): Promise<{ total: number; resealed: number; unreadable: string[] }> {
    const rows = await this.db.selectFrom('connections').select(['id', 'credentials_ciphertext', 'key_id']).execute();
    let resealed = 0;
    const unreadable: string[] = [];
    for (const row of rows) {
      if (row.key_id === this.secrets.currentKeyId) continue;
      let plaintext: string;
      try {
        plaintext = this.secrets.open({ keyId: row.key_id, ciphertext: row.credentials_ciphertext }, aad(row.id));
      } catch {
        unreadable.push(row.id);
        continue;
      }
      const sealed = this.secrets.seal(plaintext, aad(row.id));
      const result = await this.db
        .updateTable('connections')
        .set({ credentials_ciphertext: sealed.ciphertext, key_id: sealed.keyId })
        .where('id', '=', row.id)
        .where('credentials_ciphertext', '=', row.credentials_ciphertext)
        .executeTakeFirst();
      resealed += Number(result.numUpdatedRows);
    }
    return { total: rows.length, resealed, unreadable };
  }

  /** How many rows each key id seals (rotation progress). */
  async keyUsage(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('connections').select(['key_id']).execute();
    const usage: Record<string, number> = {};
    for (const row of rows) usage[row.key_id] = (usage[row.key_id] ?? 0) + 1;
    return usage;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function aad(id: string): string {
  return `switchyard/connection/${id}`;
}

function toConnection(row: ConnectionTable): Connection {
  return {
    id: row.id,
    connector: row.connector,
    name: row.name,
    baseUrl: row.base_url,
    status: row.status as ConnectionStatus,
    statusReason: row.status_reason,
    statusChangedAt: row.status_changed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
