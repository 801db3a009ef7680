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
