import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../security/secret-box';
import { resealTable, type ResealReport, type SealedTable } from './reseal';
import type { Database } from './schema';

/** Where a `SealedRowStore` keeps its sealed values, how their AAD is named, and how long rows live. */
export interface SealedRows extends SealedTable {
  /** The AAD of a value is `<aad>:<row id>`, so a value moved to another row does not open. */
  aad: string;
  /** Rows whose `column` (an ISO time) is older than `ms` are pruned. */
  retention: { column: string; ms: number };
}

/**
 * A store module over one table whose rows hold a value sealed at rest (AES-256-GCM, the AAD binds
 * each value to its row): the side-effect ledger's outputs, large trigger payloads. It seals and
 * opens the values, reseals them for `switchyard keys rotate`, and prunes rows past their retention.
 */
export abstract class SealedRowStore<Tables extends Record<string, object>> {
  protected readonly db: Kysely<Database & Tables>;
  protected abstract readonly rows: SealedRows;

  constructor(
    db: Kysely<Database>,
    private readonly secrets: SecretBox,
  ) {
    this.db = db.withTables<Tables>();
  }

  protected seal(id: string, plaintext: string): { ciphertext: string; keyId: string } {
    return this.secrets.seal(plaintext, this.aadFor(id));
  }

  protected open(id: string, sealed: { ciphertext: string; keyId: string }): string {
    return this.secrets.open(sealed, this.aadFor(id));
  }

  /** Re-encrypts every value not yet under the current key (`switchyard keys rotate`). */
  resealAll(): Promise<ResealReport> {
    return resealTable(this.db, this.secrets, this.rows, (id) => this.aadFor(id));
  }

  /** Deletes the rows past their retention; answers how many. */
  async prune(now = new Date()): Promise<number> {
    const { column, ms } = this.rows.retention;
    const cutoff = new Date(now.getTime() - ms).toISOString();
    const result = await sql`delete from ${sql.table(this.rows.table)} where ${sql.ref(column)} < ${cutoff}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  private aadFor(id: string): string {
    return `${this.rows.aad}:${id}`;
  }
}
