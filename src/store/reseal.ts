import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SecretBox } from '../security/secret-box';

/** What `switchyard keys rotate` did to one kind of sealed row. */
export interface ResealReport {
  total: number;
  resealed: number;
  /** Ids no configured key opens. */
  unreadable: string[];
}

/** One sealed value; `keyId` null = written before this kind was sealed (`plaintext` holds it). */
interface SealedValue {
  id: string;
  ciphertext: string | null;
  keyId: string | null;
  plaintext?: string;
}

/**
 * Re-encrypts every value not yet under the current key (any configured key may open it).
 * `write` stores the new ciphertext only where the row still holds the old one, so a concurrent
 * update wins over the reseal, and answers how many rows it changed.
 */
async function resealValues(
  values: SealedValue[],
  secrets: SecretBox,
  aad: (id: string) => string,
  write: (value: SealedValue, sealed: { ciphertext: string; keyId: string }) => Promise<number>,
): Promise<ResealReport> {
  let resealed = 0;
  const unreadable: string[] = [];
  for (const value of values) {
    if (value.keyId === secrets.currentKeyId) continue;
    let plaintext: string;
    try {
      plaintext = value.keyId === null ? (value.plaintext ?? '') : secrets.open({ keyId: value.keyId, ciphertext: value.ciphertext ?? '' }, aad(value.id));
    } catch {
      unreadable.push(value.id);
      continue;
    }
    resealed += await write(value, secrets.seal(plaintext, aad(value.id)));
  }
  return { total: values.length, resealed, unreadable };
}

/** Adds one kind's report to a running total. */
function addReports(a: ResealReport, b: ResealReport): ResealReport {
  return { total: a.total + b.total, resealed: a.resealed + b.resealed, unreadable: [...a.unreadable, ...b.unreadable] };
}

/** `resealValues` over a table read in pages of `SealedValue`s ordered by id (`page(after)` answers the next ones). */
async function resealPages(
  page: (afterId: string) => Promise<SealedValue[]>,
  secrets: SecretBox,
  aad: (id: string) => string,
  write: (value: SealedValue, sealed: { ciphertext: string; keyId: string }) => Promise<number>,
): Promise<ResealReport> {
  let report: ResealReport = { total: 0, resealed: 0, unreadable: [] };
  for (let after = ''; ; ) {
    const values = await page(after);
    if (values.length === 0) return report;
    after = values[values.length - 1]!.id;
    report = addReports(report, await resealValues(values, secrets, aad, write));
  }
}

/** Where one kind keeps its sealed value: the table, its ciphertext and key-id columns, and a plaintext column to empty once sealed. */
interface SealedColumns {
  table: string;
  /** The column that names a row (its primary key); `id` unless said. */
  rowKey?: string;
  ciphertext: string;
  keyId: string;
  legacyPlaintext?: string;
}

/** A table of sealed values for `resealTable`; `where` keeps only the rows that hold one (e.g. confirmed ledger entries). */
export interface SealedTable extends SealedColumns {
  where?: RawBuilder<unknown>;
}

/**
 * Stores a resealed value only where the row still holds the ciphertext it was read with (null for
 * a row from before sealing), so a concurrent update wins; answers how many rows changed.
 */
async function swapSealed<DB>(db: Kysely<DB>, columns: SealedColumns, value: SealedValue, sealed: { ciphertext: string; keyId: string }): Promise<number> {
  const clear = columns.legacyPlaintext ? sql`, ${sql.ref(columns.legacyPlaintext)} = ''` : sql``;
  const result = await sql`update ${sql.table(columns.table)}
    set ${sql.ref(columns.ciphertext)} = ${sealed.ciphertext}, ${sql.ref(columns.keyId)} = ${sealed.keyId}${clear}
    where ${sql.ref(columns.rowKey ?? 'id')} = ${value.id} and ${sql.ref(columns.ciphertext)} is not distinct from ${value.ciphertext}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * `switchyard keys rotate` for one table: reads it in pages by id and reseals every value not yet
 * under the current key, each row swapped only where it still holds what was read (see `swapSealed`).
 */
export function resealTable<DB>(db: Kysely<DB>, secrets: SecretBox, table: SealedTable, aad: (id: string) => string): Promise<ResealReport> {
  const plaintext = table.legacyPlaintext ? sql`, ${sql.ref(table.legacyPlaintext)} as plaintext` : sql``;
  const where = table.where ? sql` and (${table.where})` : sql``;
  const rowKey = sql.ref(table.rowKey ?? 'id');
  const page = async (after: string): Promise<SealedValue[]> => {
    const { rows } = await sql<{ id: string; ciphertext: string | null; key_id: string | null; plaintext?: string }>`select ${rowKey} as id, ${sql.ref(table.ciphertext)} as ciphertext, ${sql.ref(table.keyId)} as key_id${plaintext}
      from ${sql.table(table.table)} where ${rowKey} > ${after}${where} order by ${rowKey} limit ${pageSize}`.execute(db);
    return rows.map((r) => ({ id: r.id, ciphertext: r.ciphertext, keyId: r.key_id, ...(table.legacyPlaintext ? { plaintext: r.plaintext } : {}) }));
  };
  return resealPages(page, secrets, aad, (value, sealed) => swapSealed(db, table, value, sealed));
}

const pageSize = 200;
