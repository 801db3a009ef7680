import { Fragment, type ComponentChildren } from 'preact';

/**
 * A table of rows under column headings, the one way the console draws one: headings are `th scope="col"`,
 * each row is keyed (and, with `rowTestId`, findable by the browser tests); `children` draws one row's cells.
 * A heading that should not show (an actions column) is `<span class="visually-hidden">…</span>`.
 * `detail` may open a row: what it draws (not null) goes in a full-width row below it, with the id `detailId`.
 * With no rows, the `empty` line (when given) stands instead of the table.
 */
export function Table<T>(props: {
  caption?: string;
  columns: ComponentChildren[];
  rows: readonly T[];
  rowKey(row: T): string;
  rowTestId?(row: T): string;
  children(row: T): ComponentChildren;
  detail?(row: T): ComponentChildren;
  detailId?(row: T): string;
  empty?: ComponentChildren;
}) {
  if (props.rows.length === 0 && props.empty !== undefined) return <p class="muted">{props.empty}</p>;
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
        {props.rows.map((row) => {
          const detail = props.detail?.(row);
          return (
            <Fragment key={props.rowKey(row)}>
              <tr data-testid={props.rowTestId?.(row)}>{props.children(row)}</tr>
              {detail === undefined || detail === null ? null : (
                <tr id={props.detailId?.(row)} class="row-detail">
                  <td colSpan={props.columns.length}>{detail}</td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
