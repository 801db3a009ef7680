/** `status_changed_at` → `statusChangedAt`, as a type. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** A row's named columns under their camelCase names, values unchanged. */
export type CamelColumns<R, K extends keyof R & string> = { [C in K as Camel<C>]: R[C] };

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The named columns of a row as the store's answers spell them (`base_url` → `baseUrl`); the caller adds
 * the columns that need more than a rename (a status typed as its union, a count that PostgreSQL
 * answers as text, JSON). Only the named columns are read, so a ciphertext column never leaks into an answer.
 */
export function camelColumns<R, K extends keyof R & string>(row: R, columns: readonly K[]): CamelColumns<R, K> {
  return Object.fromEntries(columns.map((c) => [camel(c), row[c]])) as CamelColumns<R, K>;
}
