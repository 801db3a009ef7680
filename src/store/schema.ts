/** The store's two databases: SQLite (one process, a file in data/) or PostgreSQL. */
export type Dialect = 'sqlite' | 'postgres';

/** Table shapes shared by the SQLite and PostgreSQL dialects. JSON is stored as text, times as ISO-8601 text. */
export interface Database {
  recipes: RecipeTable;
  recipe_versions: RecipeVersionTable;
  connections: ConnectionTable;
  inbound_deliveries: InboundDeliveryTable;
}

export interface RecipeTable {
  id: string;
  name: string;
  enabled: number;
  current_version: number;
  created_at: string;
  updated_at: string;
}

export interface RecipeVersionTable {
  recipe_id: string;
  version: number;
  /** Content hash of the compiled plan. */
  hash: string;
  source_json: string;
  plan_json: string;
  created_at: string;
}

export interface ConnectionTable {
  id: string;
  connector: string;
  name: string;
  credentials_ciphertext: string;
  key_id: string;
  base_url: string | null;
  status: string;
  status_reason: string | null;
  status_changed_at: string;
  created_at: string;
  updated_at: string;
  /** Bumped by every credentials write: a refresh stores its tokens only over the version it read. */
  credentials_version: number;
  /** ISO time until which one process holds the right to refresh these credentials; null: nobody. */
  refresh_lease_until: string | null;
}

/** Dedupe of inbound deliveries, kept longer than Temporal's retention and any sender's retry horizon. */
interface InboundDeliveryTable {
  connection_id: string;
  event_hash: string;
  received_at: string;
}
