/** A connection as activities see it: credentials already decrypted, in memory only. */
export interface ResolvedConnection {
  id: string;
  connector: string;
  credentials: unknown;
  baseUrl: string | null;
  /** The base URL the credentials were entered for; auth is sent only to origins it resolves to. Absent: `baseUrl`. */
  credentialsBaseUrl?: string | null;
  status: 'connected' | 'disconnected' | 'paused';
}

/** Implemented over the store by the host (src/runtime/connection-resolver.ts); a test may use an in-memory one. */
export interface ConnectionResolver {
  get(id: string): Promise<ResolvedConnection | undefined>;
  /** Called when a vendor says the credentials no longer work (auth_lost). */
  markDisconnected(id: string, reason: { status?: number; message: string }): Promise<void>;
  /** Persists refreshed OAuth2 credentials (encrypted at rest). Optional: without it a refresh lasts one activity. */
  updateCredentials?(id: string, credentials: unknown): Promise<void>;
}
