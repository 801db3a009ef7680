import { camelColumns } from './camel-columns';
import { resealTable, type ResealReport } from './reseal';
import type { CompiledQuery, ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { SecretBox } from '../security/secret-box';
import type { ConnectionTable, Database } from './schema';
import { OpenedSecrets } from '../security/opened-secrets';

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
  /** A sandbox app's connection (`switchyard dev`): sealed with the credentials, so only new credentials from a person make it real. */
  sandbox?: boolean;
}

/** A connection read by `lookup`: `open()` decrypts its credentials (once). */
export interface FoundConnection {
  connection: Connection;
  open(): BoundCredentials;
}

/** Decrypted credentials and the base URL they were entered for (credentials follow their origin). */
export interface BoundCredentials {
  credentials: unknown;
  /** The connection's base URL when the credentials were entered; the current one for rows sealed before the binding existed. */
  enteredForBaseUrl: string | null;
  /** Bumped by every credentials write: a refresh stores its tokens only over the version it read. */
  version: number;
  /** Installed by `switchyard dev` for a sandbox app, not entered by a person. */
  sandbox: boolean;
}

/** What is sealed since credentials carry their origin: the binding is authenticated with the credentials. */
interface SealedEnvelope {
  v: 2;
  credentials: unknown;
  baseUrl: string | null;
  /** Present (true) only on a sandbox app's connection. */
  sandbox?: true;
}

function isEnvelope(value: unknown): value is SealedEnvelope {
  if (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== 2) return false;
  const keys = Object.keys(value).sort().join();
  return keys === 'baseUrl,credentials,v' || (keys === 'baseUrl,credentials,sandbox,v' && (value as { sandbox?: unknown }).sandbox === true);
}

/**
 * Connections with credentials sealed at rest; the AAD binds each ciphertext to its connection id,
 * and the sealed envelope binds the credentials to the base URL they were entered for.
 */
export class ConnectionStore {
  /** Every webhook delivery and activity opens its connection's credentials: each ciphertext is decrypted once per process. */
  private readonly plaintexts: OpenedSecrets;
  private lookupQuery: CompiledQuery<Selectable<ConnectionTable>> | undefined;
  /** Lookups answered while `changes` stood at `stamp` (only with `changes`). */
  private readonly remembered = new Map<string, FoundConnection>();
  private rememberedAt: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
    /** Moves whenever the table may have changed (sqlite-change-stamp); absent, every lookup reads the row. */
    private readonly changes?: () => number,
  ) {
    this.plaintexts = new OpenedSecrets(secrets);
  }

  async create(input: NewConnection, now = new Date()): Promise<Connection> {
    const row = this.newRow(input, now);
    await this.db.insertInto('connections').values(row).execute();
    return toConnection(row);
  }

  /** Creates the connection unless one with its id exists (a concurrent create won): answers whether this call created it. */
  async createIfAbsent(input: NewConnection, now = new Date()): Promise<boolean> {
    return this.insertIfAbsent(this.newRow(input, now));
  }

  private async insertIfAbsent(row: ConnectionTable): Promise<boolean> {
    const result = await this.db
      .insertInto('connections')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  private newRow(input: NewConnection, now: Date): ConnectionTable {
    const at = now.toISOString();
    const sealed = this.seal(input.id, input.credentials, input.baseUrl ?? null, input.sandbox ?? false);
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
      credentials_version: 1,
      refresh_lease_until: null,
    };
    return row;
  }

  /** Creates the connection, or replaces its name, credentials and base URL (which clears a disconnect). */
  async upsert(input: NewConnection, now = new Date()): Promise<Connection> {
    // Sealed once: the new row's credentials are what an existing connection gets.
    const row = this.newRow(input, now);
    if (await this.insertIfAbsent(row)) return toConnection(row);
    const sealed = { credentials_ciphertext: row.credentials_ciphertext, key_id: row.key_id };
    const written = await this.writeSealed(input.id, sealed, now, { name: input.name, baseUrl: row.base_url });
    // Removed between the insert and the update: created again.
    return written ? toConnection(written) : this.upsert(input, now);
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
    return (await this.boundCredentials(id))?.credentials;
  }

  /** The decrypted credentials with the base URL they were entered for (HTTP clients send auth only there). */
  async boundCredentials(id: string): Promise<BoundCredentials | undefined> {
    return (await this.lookup(id))?.open();
  }

  /**
   * The connection and its sealed credentials in one read; `open()` decrypts them. Kept apart so
   * a caller can tell the store failing (the read) from a key that does not open them. With
   * `changes`, a lookup is answered from the previous one while the table has not changed since.
   */
  async lookup(id: string): Promise<FoundConnection | undefined> {
    const stamp = this.changes?.();
    if (stamp !== this.rememberedAt) {
      this.remembered.clear();
      this.rememberedAt = stamp;
    }
    const known = stamp === undefined ? undefined : this.remembered.get(id);
    if (known) return known;
    // Compiled once: the ack path looks a connection up per delivery, and building the query each time cost ~19 µs.
    this.lookupQuery ??= this.db.selectFrom('connections').selectAll().where('id', '=', '').compile();
    const [row] = (await this.db.executeQuery<Selectable<ConnectionTable>>({ ...this.lookupQuery, parameters: [id] })).rows;
    if (!row) return undefined;
    const found = this.found(row);
    // Kept only if nothing wrote the table between the stamp and the read's answer.
    if (stamp !== undefined && this.changes?.() === stamp) this.remembered.set(id, found);
    return found;
  }

  /** The row as lookups answer it: shared by the callers of a remembered lookup, so frozen. */
  private found(row: ConnectionTable): FoundConnection {
    let bound: BoundCredentials | undefined;
    return Object.freeze({
      connection: Object.freeze(toConnection(row)),
      open: () => {
        if (bound) return bound;
        const opened: unknown = JSON.parse(this.plaintexts.open({ keyId: row.key_id, ciphertext: row.credentials_ciphertext }, aad(row.id)));
        const version = Number(row.credentials_version);
        bound = deepFreeze(
          isEnvelope(opened)
            ? { credentials: opened.credentials, enteredForBaseUrl: opened.baseUrl, version, sandbox: opened.sandbox === true }
            : { credentials: opened, enteredForBaseUrl: row.base_url, version, sandbox: false },
        );
        return bound;
      },
    });
  }

  /**
   * New credentials, entered for the connection's base URL after this update (`also.baseUrl`, else the current one).
   * They are a person's (the connection is no longer a sandbox one) unless `also.sandbox` says otherwise.
   */
  async updateCredentials(id: string, credentials: unknown, now = new Date(), also: { name?: string; baseUrl?: string | null; sandbox?: boolean } = {}): Promise<void> {
    const baseUrl = also.baseUrl !== undefined ? also.baseUrl : ((await this.get(id))?.baseUrl ?? null);
    const sealed = this.seal(id, credentials, baseUrl, also.sandbox ?? false);
    await this.writeSealed(id, { credentials_ciphertext: sealed.ciphertext, key_id: sealed.keyId }, now, also);
  }

  /**
   * Ids of the connections `switchyard dev` installed for its sandbox apps (the flag is sealed with
   * the credentials; a row this key ring cannot open is not counted as one).
   */
  async sandboxIds(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('connections').select(['id']).orderBy('id').execute();
    const ids = new Set<string>();
    for (const { id } of rows) if (await this.isSandbox(id)) ids.add(id);
    return ids;
  }

  /** Whether `id` is a sandbox app's connection (false when absent or its credentials cannot be opened). */
  async isSandbox(id: string): Promise<boolean> {
    try {
      return (await this.boundCredentials(id))?.sandbox ?? false;
    } catch {
      return false;
    }
  }

  /**
   * Takes the right to refresh credentials still at `version`, for `leaseMs`, unless another
   * process holds it: true when taken. One conditional UPDATE, so exactly one process wins.
   */
  async claimRefresh(id: string, version: number, leaseMs: number, now = new Date()): Promise<boolean> {
    const result = await this.db
      .updateTable('connections')
      .set({ refresh_lease_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where('id', '=', id)
      .where('credentials_version', '=', version)
      .where((eb) => eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<', now.toISOString())]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Credentials refreshed by the vendor (OAuth2), stored only over `refreshed.version` (compare
   * and swap; the lease is let go): the new version, or undefined when they moved meanwhile. They
   * stay bound to the origin the originals were entered for.
   */
  async swapRefreshed(id: string, refreshed: BoundCredentials, credentials: unknown, now = new Date()): Promise<number | undefined> {
    const sealed = this.seal(id, credentials, refreshed.enteredForBaseUrl, refreshed.sandbox);
    const result = await this.db
      .updateTable('connections')
      .set({ credentials_ciphertext: sealed.ciphertext, key_id: sealed.keyId, updated_at: now.toISOString(), credentials_version: refreshed.version + 1, refresh_lease_until: null })
      .where('id', '=', id)
      .where('credentials_version', '=', refreshed.version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? refreshed.version + 1 : undefined;
  }

  /** Lets go of a refresh lease taken at `version` (the refresh failed). */
  async releaseRefresh(id: string, version: number): Promise<void> {
    await this.db.updateTable('connections').set({ refresh_lease_until: null }).where('id', '=', id).where('credentials_version', '=', version).execute();
  }

  private seal(id: string, credentials: unknown, baseUrl: string | null, sandbox: boolean) {
    const envelope: SealedEnvelope = { v: 2, credentials, baseUrl, ...(sandbox ? { sandbox: true as const } : {}) };
    return this.secrets.seal(JSON.stringify(envelope), aad(id));
  }

  /** The row as written, or undefined when there is none with this id. */
  private async writeSealed(id: string, sealed: Pick<ConnectionTable, 'credentials_ciphertext' | 'key_id'>, now: Date, also: { name?: string; baseUrl?: string | null }): Promise<ConnectionTable | undefined> {
    const at = now.toISOString();
    // New credentials restore a disconnected connection: decided in the statement (SET sees the row before it), not from an earlier read.
    const disconnected = (eb: ExpressionBuilder<Database, 'connections'>) => eb('status', '=', 'disconnected');
    return this.db
      .updateTable('connections')
      .set({
        ...sealed,
        updated_at: at,
        // New credentials from a person win over a refresh in flight: its swap finds the version moved.
        credentials_version: (eb) => eb('credentials_version', '+', 1),
        refresh_lease_until: null,
        ...(also.name !== undefined ? { name: also.name } : {}),
        ...(also.baseUrl !== undefined ? { base_url: also.baseUrl } : {}),
        status: (eb) => eb.case().when(disconnected(eb)).then('connected').else(eb.ref('status')).end(),
        status_reason: (eb) => eb.case().when(disconnected(eb)).then(null).else(eb.ref('status_reason')).end(),
        status_changed_at: (eb) => eb.case().when(disconnected(eb)).then(at).else(eb.ref('status_changed_at')).end(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
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
  resealAll(): Promise<ResealReport> {
    return resealTable(this.db, this.secrets, { table: 'connections', ciphertext: 'credentials_ciphertext', keyId: 'key_id' }, aad);
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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function aad(id: string): string {
  return `switchyard/connection/${id}`;
}

const connectionColumns = ['id', 'connector', 'name', 'base_url', 'status_reason', 'status_changed_at', 'created_at', 'updated_at'] as const;

function toConnection(row: ConnectionTable): Connection {
  return { ...camelColumns(row, connectionColumns), status: row.status as ConnectionStatus };
}
