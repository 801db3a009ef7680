import { readFileSync } from 'node:fs';

/** A JSON argument given inline, as `@file`, or `-` for stdin (keeps secrets out of shell history). */
export function jsonArgument(value: string, what: string): unknown {
  const text = value === '-' ? readFileSync(0, 'utf8') : value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
