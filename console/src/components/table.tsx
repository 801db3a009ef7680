import type { ComponentChildren } from 'preact';

/**
 * A table of rows under column headings, the one way the console draws one: headings are `th scope="col"`,
 * each row is keyed (and, with `rowTestId`, findable by the browser tests); `children` draws one row's cells.
 * A heading that should not show (an actions column) is `<span class="visually-hidden">…</span>`.
 */
export function Table<T>(props: {
  caption?: string;
  columns: ComponentChildren[];
  rows: readonly T[];
  rowKey(row: T): string;
  rowTestId?(row: T): string;
  children(row: T): ComponentChildren;
}) {
  return (
    <table>
      {props.caption ? <caption class="visually-hidden">{props.caption}</caption> : null}
      <thead>
        <tr>
          {props.columns.map((c, i) => (
            <th key={i} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={props.rowKey(row)} data-testid={props.rowTestId?.(row)}>
            {props.children(row)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
