/** Five-field cron as Temporal Schedules accept it (minute hour day-of-month month day-of-week). */
const fields = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

/** An error message for a bad cron expression, or undefined when it is valid. */
export function checkCron(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return `cron "${expression}" must have 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const field = fields[i]!;
    for (const item of part.split(',')) {
      const problem = checkItem(item, field);
      if (problem) return `cron "${expression}": ${field.name} field "${part}": ${problem}`;
    }
  }
  return undefined;
}

function checkItem(item: string, field: (typeof fields)[number]): string | undefined {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === undefined || range === '') return `bad item "${item}"`;
  if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) return `bad step "${step}"`;
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `bad range "${range}"`;
  const values = bounds.map((b) => toNumber(b, field));
  for (const [j, v] of values.entries()) {
    if (v === undefined) return `"${bounds[j]}" is not a number`;
    if (v < field.min || v > field.max) return `${v} is out of range ${field.min}-${field.max}`;
  }
  if (values.length === 2 && values[0]! > values[1]!) return `range "${range}" runs backwards`;
  return undefined;
}

function toNumber(value: string, field: (typeof fields)[number]): number | undefined {
  if (/^[0-9]+$/.test(value)) return Number(value);
  const names: readonly string[] | undefined = 'names' in field ? field.names : undefined;
  const i = names?.indexOf(value.toLowerCase()) ?? -1;
  if (i < 0) return undefined;
  return field.name === 'month' ? i + 1 : i;
}

/** True when the IANA time zone is known to this runtime. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
