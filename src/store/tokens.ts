import { randomBytes } from 'node:crypto';
import { displayPrefix, generateTokenSecret, hashToken, sameHash } from '../security/api-tokens';
import { isApiScope, type ApiScope } from '../security/scopes';
import { TableStore } from './table-store';

interface ApiTokenTable {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  previous_hash: string | null;
  previous_valid_until: string | null;
  scopes: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  rotated_at: string | null;
}

/** A token as the API shows it: the display prefix, never the secret or its hash. */
export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  rotatedAt: string | null;
  /** Until when the secret replaced by the last rotation is still accepted. */
  previousValidUntil: string | null;
}

export interface NewApiToken {
  name: string;
  scopes: ApiScope[];
  expiresAt?: Date | null;
}

export type Authentication =
  | { ok: true; token: ApiToken }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

/** The one time a secret exists outside the caller's hands: returned on create and rotate only. */
export interface IssuedToken {
  token: ApiToken;
  secret: string;
}

export const BOOTSTRAP_TOKEN_ID = 'tok_bootstrap';

/** API tokens, stored as SHA-256 hashes with a display prefix. */
export class TokenStore extends TableStore<{ api_tokens: ApiTokenTable }> {
  async create(input: NewApiToken, now = new Date()): Promise<IssuedToken> {
    const secret = generateTokenSecret();
    const row = newRow(`tok_${randomBytes(8).toString('hex')}`, input, secret, now);
    await this.db.insertInto('api_tokens').values(row).execute();
    return { token: toApiToken(row), secret };
  }

  /**
   * Installs a token whose secret the operator chose (SWITCHYARD_ADMIN_TOKEN) under a fixed id,
   * replacing the stored hash when the configured secret changed.
   */
  async putFixed(id: string, input: NewApiToken, secret: string, now = new Date()): Promise<ApiToken> {
    // The operator chose this secret, so keep only a hint of it: its first four characters.
    const row = { ...newRow(id, input, secret, now), prefix: `${secret.slice(0, 4)}…` };
    const { id: _id, created_at: _created, ...changes } = row;
    // One statement, so API processes starting together with the same configured secret all succeed.
    await this.db
      .insertInto('api_tokens')
      .values(row)
      .onConflict((conflict) => conflict.column('id').doUpdateSet(changes))
      .execute();
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ApiToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toApiToken(row);
  }

  async list(): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toApiToken);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Looks the presented secret up by its hash, then confirms it in constant time. */
  async authenticate(secret: string, now = new Date()): Promise<Authentication> {
    const hash = hashToken(secret);
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where((eb) => eb.or([eb('hash', '=', hash), eb('previous_hash', '=', hash)]))
      .executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    const current = sameHash(row.hash, hash);
    const previous = !current && sameHash(row.previous_hash, hash);
    if (!current && !previous) return { ok: false, reason: 'unknown' };
    const at = now.toISOString();
    if (!row.revoked_at && previous && (!row.previous_valid_until || row.previous_valid_until <= at)) return { ok: false, reason: 'expired' };
    return standing(row, at);
  }

  /** Whether the token is still usable (not revoked, not expired), by id: a console session follows its token. */
  async check(id: string, now = new Date()): Promise<Authentication> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    return standing(row, now.toISOString());
  }

  /** A new secret for the same token; the old one keeps working for `graceMs`. */
  async rotate(id: string, graceMs: number, now = new Date()): Promise<IssuedToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.revoked_at) return undefined;
    const secret = generateTokenSecret();
    const changes = {
      hash: hashToken(secret),
      prefix: displayPrefix(secret),
      previous_hash: graceMs > 0 ? row.hash : null,
      previous_valid_until: graceMs > 0 ? new Date(now.getTime() + graceMs).toISOString() : null,
      rotated_at: now.toISOString(),
    };
    await this.db.updateTable('api_tokens').set(changes).where('id', '=', id).execute();
    return { token: toApiToken({ ...row, ...changes }), secret };
  }

  /** Returns false when there is no such token. Revoking twice keeps the first time. */
  async revoke(id: string, now = new Date()): Promise<boolean> {
    const row = await this.db.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    if (!row.revoked_at) {
      await this.db.updateTable('api_tokens').set({ revoked_at: now.toISOString(), previous_hash: null, previous_valid_until: null }).where('id', '=', id).execute();
    }
    return true;
  }
}

function standing(row: ApiTokenTable, at: string): Authentication {
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  if (row.expires_at && row.expires_at <= at) return { ok: false, reason: 'expired' };
  return { ok: true, token: toApiToken(row) };
}

function newRow(id: string, input: NewApiToken, secret: string, now: Date): ApiTokenTable {
  return {
    id,
    name: input.name,
    prefix: displayPrefix(secret),
    hash: hashToken(secret),
    previous_hash: null,
    previous_valid_until: null,
    scopes: JSON.stringify([...new Set(input.scopes)]),
    expires_at: input.expiresAt ? input.expiresAt.toISOString() : null,
    revoked_at: null,
    created_at: now.toISOString(),
    rotated_at: null,
  };
}

function toApiToken(row: ApiTokenTable): ApiToken {
  const scopes = (JSON.parse(row.scopes) as string[]).filter(isApiScope);
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    rotatedAt: row.rotated_at,
    previousValidUntil: row.previous_valid_until,
  };
}
