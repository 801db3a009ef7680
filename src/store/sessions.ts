import { createHash, randomBytes } from 'node:crypto';
import { hashToken } from '../security/api-tokens';
import { TableStore } from './table-store';

interface ConsoleSessionTable {
  id: string;
  hash: string;
  token_id: string;
  created_at: string;
  expires_at: string;
}

export interface ConsoleSession {
  id: string;
  tokenId: string;
  createdAt: string;
  expiresAt: string;
  /** What a write must send back in X-CSRF-Token: derived from the cookie's secret, so never stored. */
  csrfToken: string;
}

export type SessionLookup = { ok: true; session: ConsoleSession } | { ok: false; reason: 'unknown' | 'expired' };

/** The CSRF token of a session: only someone who holds the cookie's secret can compute it. */
function csrfTokenOf(secret: string): string {
  return createHash('sha256').update(`csrf:${secret}`, 'utf8').digest('base64url');
}

/** Console sessions (signed in with an API token), stored as SHA-256 hashes of the cookie's secret. */
export class SessionStore extends TableStore<{ console_sessions: ConsoleSessionTable }> {
  /** A new session for the token; expired sessions are swept on the way. */
  async create(tokenId: string, ttlMs: number, now = new Date()): Promise<{ secret: string; session: ConsoleSession }> {
    const secret = randomBytes(32).toString('base64url');
    const row: ConsoleSessionTable = {
      id: `ses_${randomBytes(8).toString('hex')}`,
      hash: hashToken(secret),
      token_id: tokenId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
    };
    await this.db.deleteFrom('console_sessions').where('expires_at', '<=', row.created_at).execute();
    await this.db.insertInto('console_sessions').values(row).execute();
    return { secret, session: toSession(row, secret) };
  }

  async find(secret: string, now = new Date()): Promise<SessionLookup> {
    const row = await this.db.selectFrom('console_sessions').selectAll().where('hash', '=', hashToken(secret)).executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.expires_at <= now.toISOString()) return { ok: false, reason: 'expired' };
    return { ok: true, session: toSession(row, secret) };
  }

  /** Ends the session; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('console_sessions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toSession(row: ConsoleSessionTable, secret: string): ConsoleSession {
  return { id: row.id, tokenId: row.token_id, createdAt: row.created_at, expiresAt: row.expires_at, csrfToken: csrfTokenOf(secret) };
}
