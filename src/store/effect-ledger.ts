import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../security/secret-box';
import { GroupCommit } from './group-commit';
import type { Database, Dialect } from './schema';
import { SealedRowStore } from './sealed-rows';

export interface EffectLedgerTable {
  id: string;
  action: string;
  state: 'started' | 'confirmed';
  attempts: number;
  started_at: string;
  updated_at: string;
  output_ciphertext: string | null;
  output_key_id: string | null;
}

/** What the ledger knows about one step key. */
export type EffectEntry = { state: 'started'; startedAt: Date; attempts: number } | { state: 'confirmed'; startedAt: Date; attempts: number; output: unknown };

/** Kept well past Temporal's retention of the runs a `runs retry --from failed` can still retry. */
const LEDGER_RETENTION_MS = 30 * 86_400_000;

/**
 * The side-effect ledger (DESIGN §3): an action that reconciles records each attempt here before
 * it calls the vendor, and the output once the vendor confirmed the effect. Rows are keyed by a
 * hash of the step key (no run or step names at rest); outputs may hold customer data, so they are
 * sealed (AES-256-GCM, the AAD binds each to its row). Credentials never pass through here.
 */
export class EffectLedger extends SealedRowStore<{ effect_ledger: EffectLedgerTable }> {
  protected readonly rows = {
    table: 'effect_ledger',
    ciphertext: 'output_ciphertext',
    keyId: 'output_key_id',
    where: sql`output_key_id is not null`,
    aad: 'effect-ledger',
    retention: { column: 'updated_at', ms: LEDGER_RETENTION_MS },
  };

  /**
   * On SQLite, the writes of the actions running at once share one transaction: every commit is an
   * fsync (store.ts) on the worker's main thread (better-sqlite3 is synchronous), and each action
   * records its attempt and its outcome. A failed commit rejects every write in it. On PostgreSQL
   * each write is its own statement: the pool runs them in parallel and the server groups its fsyncs.
   */
  private readonly grouped?: GroupCommit<LedgerWrite, undefined>;

  constructor(db: Kysely<Database>, secrets: SecretBox, dialect: Dialect) {
    super(db, secrets);
    if (dialect === 'sqlite') {
      this.grouped = new GroupCommit(async (batch) => {
        await this.db.transaction().execute(async (trx) => {
          for (const write of batch) await upsert(trx, write);
        });
        return batch.map(() => undefined);
      });
    }
  }

  private async write(write: LedgerWrite): Promise<void> {
    await (this.grouped ? this.grouped.append(write) : upsert(this.db, write));
  }

  async get(stepKey: string): Promise<EffectEntry | undefined> {
    const id = idFor(stepKey);
    const row = await this.db.selectFrom('effect_ledger').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const base = { startedAt: new Date(row.started_at), attempts: row.attempts };
    if (row.state !== 'confirmed' || row.output_ciphertext === null || row.output_key_id === null) return { state: 'started', ...base };
    const output = JSON.parse(this.open(id, { keyId: row.output_key_id, ciphertext: row.output_ciphertext })) as unknown;
    return { state: 'confirmed', ...base, output };
  }

  /** Records an attempt about to call the vendor; the first attempt's time is kept. */
  async begin(stepKey: string, action: string, now = new Date()): Promise<void> {
    await this.write({ id: idFor(stepKey), action, at: now.toISOString() });
  }

  /** The vendor confirmed the effect (or reconcile found it): later attempts answer with `output`. */
  async confirm(stepKey: string, action: string, output: unknown, now = new Date()): Promise<void> {
    const id = idFor(stepKey);
    await this.write({ id, action, at: now.toISOString(), confirmed: this.seal(id, JSON.stringify(output ?? null)) });
  }

  /** The step's attempt is known to have had no effect (the vendor refused it): nothing to reconcile. */
  async forget(stepKey: string): Promise<void> {
    await this.db.deleteFrom('effect_ledger').where('id', '=', idFor(stepKey)).where('state', '=', 'started').execute();
  }
}

/** An attempt recorded (`confirmed` absent) or confirmed with its sealed output. */
type LedgerWrite = { id: string; action: string; at: string; confirmed?: { ciphertext: string; keyId: string } };

async function upsert(db: Kysely<Database & { effect_ledger: EffectLedgerTable }>, { id, action, at, confirmed }: LedgerWrite): Promise<void> {
  if (!confirmed) {
    await db
      .insertInto('effect_ledger')
      .values({ id, action, state: 'started', attempts: 1, started_at: at, updated_at: at, output_ciphertext: null, output_key_id: null })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ attempts: eb('effect_ledger.attempts', '+', 1), updated_at: at })))
      .execute();
    return;
  }
  const state = { state: 'confirmed' as const, updated_at: at, output_ciphertext: confirmed.ciphertext, output_key_id: confirmed.keyId };
  await db
    .insertInto('effect_ledger')
    .values({ id, action, attempts: 1, started_at: at, ...state })
    .onConflict((oc) => oc.column('id').doUpdateSet(state))
    .execute();
}

function idFor(stepKey: string): string {
  return `fx_${createHash('sha256').update(stepKey).digest('hex')}`;
}
