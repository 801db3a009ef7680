/** A connection as activities see it: credentials already decrypted, in memory only. */
export interface ResolvedConnection {
  id: string;
  connector: string;
  credentials: unknown;
  baseUrl: string | null;
  /** The base URL the credentials were entered for; auth is sent only to origins it resolves to. Absent: `baseUrl`. */
  credentialsBaseUrl?: string | null;
  status: 'connected' | 'disconnected' | 'paused';
  /**
   * Refreshes the OAuth2 credentials once across every process sharing the store: runs `exchange`
   * (the token request) or answers what another process stored meanwhile, and persists the result
   * (encrypted at rest). Absent: a refresh lasts one activity.
   */
  refreshCredentials?: (exchange: (credentials: unknown) => Promise<unknown>, signal?: AbortSignal) => Promise<unknown>;
}

/** Implemented over the store by the host (src/runtime/connection-resolver.ts); a test may use an in-memory one. */
export interface ConnectionResolver {
  /** Throws StoreUnavailableError when the store cannot be read (nothing is known about the connection then). */
  get(id: string): Promise<ResolvedConnection | undefined>;
  /** Called when a vendor says the credentials no longer work (auth_lost); throws StoreUnavailableError when the store cannot record it. */
  markDisconnected(id: string, reason: { status?: number; message: string }): Promise<void>;
}

/** The store failed to answer (busy, connection lost, down): a fault of neither the vendor nor the connection. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Runs a store call; its failure, whatever the cause, is StoreUnavailableError naming `what` the store was asked to do. */
export async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new StoreUnavailableError(`the store did not answer while ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
