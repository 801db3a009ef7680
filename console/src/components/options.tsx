/**
 * The `<option>`s of a select: an optional first choice that means "none" (value ""), then each value,
 * shown as itself or under its label.
 */
export function Options(props: { none?: string; values: readonly (string | { value: string; label: string })[] }) {
  return (
    <>
      {props.none === undefined ? null : <option value="">{props.none}</option>}
      {props.values.map((v) => {
        const { value, label } = typeof v === 'string' ? { value: v, label: v } : v;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </>
  );
}
