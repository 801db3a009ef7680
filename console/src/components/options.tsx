/**
 * The `<option>`s of a select: an optional first choice that means "none" (value ""), then each value,
 * shown as itself or under its label. `selected` is the choice shown at first; unlike a select's
 * `value` (which Preact puts back on every render), a person's later choice stays until submitted.
 */
export function Options(props: { none?: string; values: readonly (string | { value: string; label: string })[]; selected?: string }) {
  return (
    <>
      {props.none === undefined ? null : (
        <option value="" selected={props.selected === ''}>
          {props.none}
        </option>
      )}
      {props.values.map((v) => {
        const { value, label } = typeof v === 'string' ? { value: v, label: v } : v;
        return (
          <option key={value} value={value} selected={value === props.selected}>
            {label}
          </option>
        );
      })}
    </>
  );
}
