import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../security/secret-box';
import { resealTable, type ResealReport } from './reseal';
import type { Database } from './schema';
import { TableStore } from './table-store';

interface OAuthAuthorizationTable {
  state_hash: string;
  verifier_ciphertext: string;
  key_id: string;
  connector: string;
  connection_id: string;
  label: string | null;
  base_url: string | null;
  scopes_json: string;
  redirect_uri: string;
  token_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** What Connect started and the callback finishes: who asked, for which connection, with which PKCE verifier. */
export interface PendingAuthorization {
  connector: string;
  connectionId: string;
  label: string | null;
  baseUrl: string | null;
  scopes: string[];
  redirectUri: string;
  /** The API token that started it (`token.id`). */
  tokenId: string;
  /** The PKCE code verifier (RFC 7636), opened only by `claim`. */
  codeVerifier: string;
  expiresAt: Date;
}

/** Why a state cannot finish an authorization: never issued (or forged), past its expiry, or used already. */
export type UnusableState = 'unknown' | 'expired' | 'used';

/** States are high-entropy random values, so a plain SHA-256 is their at-rest form (as API tokens). */
const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');
const aad = (stateHash: string) => `switchyard/oauth-authorization/${stateHash}`;

/**
 * Pending OAuth authorizations (Connect): the state only as its hash, the code verifier sealed and
 * bound to it. `claim` uses a state at most once, whatever the concurrency: one conditional UPDATE.
 */
export class OAuthAuthorizationStore extends TableStore<{ oauth_authorizations: OAuthAuthorizationTable }> {
  constructor(
    db: Kysely<Database>,
    private readonly secrets: SecretBox,
  ) {
    super(db);
  }

  async create(state: string, pending: PendingAuthorization, now = new Date()): Promise<void> {
    const stateHash = hashState(state);
    const sealed = this.secrets.seal(pending.codeVerifier, aad(stateHash));
    // Expired rows are of no use to anyone: each start sweeps them.
    await this.db.deleteFrom('oauth_authorizations').where('expires_at', '<', now.toISOString()).execute();
    await this.db
      .insertInto('oauth_authorizations')
      .values({
        state_hash: stateHash,
        verifier_ciphertext: sealed.ciphertext,
        key_id: sealed.keyId,
        connector: pending.connector,
        connection_id: pending.connectionId,
        label: pending.label,
        base_url: pending.baseUrl,
        scopes_json: JSON.stringify(pending.scopes),
        redirect_uri: pending.redirectUri,
        token_id: pending.tokenId,
        created_at: now.toISOString(),
        expires_at: pending.expiresAt.toISOString(),
        used_at: null,
      })
      .execute();
  }

  /**
   * `switchyard keys rotate`: reseals the verifiers of authorizations still waiting for consent, so a
   * person who is on the vendor's consent page while the key rotates can still finish Connect.
   */
  resealAll(): Promise<ResealReport> {
    return resealTable(this.db, this.secrets, { table: 'oauth_authorizations', rowKey: 'state_hash', ciphertext: 'verifier_ciphertext', keyId: 'key_id', where: sql`used_at is null` }, aad);
  }

  /** Marks the state used and answers its authorization, or why it cannot be used (nothing changes then). */
  async claim(state: string, now = new Date()): Promise<PendingAuthorization | UnusableState> {
    const stateHash = hashState(state);
    const result = await this.db
      .updateTable('oauth_authorizations')
      .set({ used_at: now.toISOString() })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    const row = await this.db.selectFrom('oauth_authorizations').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
    if (!row) return 'unknown';
    // Not taken by this UPDATE: either used before, or (still unused) past its expiry.
    if (Number(result.numUpdatedRows) === 0) return row.used_at !== null ? 'used' : 'expired';
    let codeVerifier: string;
    try {
      codeVerifier = this.secrets.open({ keyId: row.key_id, ciphertext: row.verifier_ciphertext }, aad(stateHash));
    } catch {
      // Sealed under a key no longer configured (rotated away within its ten minutes): as good as never issued.
      return 'unknown';
    }
    return {
      connector: row.connector,
      connectionId: row.connection_id,
      label: row.label,
      baseUrl: row.base_url,
      scopes: JSON.parse(row.scopes_json) as string[],
      redirectUri: row.redirect_uri,
      tokenId: row.token_id,
      codeVerifier,
      expiresAt: new Date(row.expires_at),
    };
  }
}
