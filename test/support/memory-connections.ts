import type { ConnectionResolver, ResolvedConnection } from '../../activities/connection-resolver';

/** A connection as a test declares it: status defaults to connected, baseUrl to the vendor's. */
export type ConnectionSeed = Omit<ResolvedConnection, 'status' | 'baseUrl'> & Partial<Pick<ResolvedConnection, 'status' | 'baseUrl'>>;

/** An in-memory ConnectionResolver: a test double of the interface, not of Temporal or the store. */
export class MemoryConnections implements ConnectionResolver {
  readonly byId = new Map<string, ResolvedConnection>();
  readonly disconnects: { id: string; status?: number; message: string }[] = [];
  readonly updates: { id: string; credentials: unknown }[] = [];

  /** Forgets every connection and everything recorded about them. */
  clear(): void {
    this.byId.clear();
    this.disconnects.length = 0;
    this.updates.length = 0;
  }

  add(c: ConnectionSeed): this {
    this.byId.set(c.id, { status: 'connected', baseUrl: null, ...c });
    return this;
  }

  async get(id: string): Promise<ResolvedConnection | undefined> {
    const c = this.byId.get(id);
    if (!c) return undefined;
    return {
      ...c,
      refreshCredentials: async (exchange: (credentials: unknown) => Promise<unknown>) => {
        const credentials = await exchange(c.credentials);
        this.updates.push({ id, credentials });
        c.credentials = credentials;
        return credentials;
      },
    };
  }

  async markDisconnected(id: string, reason: { status?: number; message: string }) {
    this.disconnects.push({ id, ...reason });
    const c = this.byId.get(id);
    if (c) c.status = 'disconnected';
  }
}
