import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';

/** A plain recipe value for one property: text, a number, a boolean, a list of names, or a date range. */
export const plainValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), z.object({ start: z.string(), end: z.string().optional() })]);
export type PlainValue = z.output<typeof plainValue>;

/** A database's property schema as GET /databases/{id} returns it: name → `{ id, type }`. */
export type PropertySchema = Record<string, { id: string; type: string }>;

/** Notion caps one text object's content at 2,000 characters: longer text becomes several. */
const textLimit = 2000;

function richText(s: string) {
  const parts: { type: 'text'; text: { content: string } }[] = [];
  for (let i = 0; i < s.length || parts.length === 0; i += textLimit) parts.push({ type: 'text', text: { content: s.slice(i, i + textLimit) } });
  return parts;
}

const isoDate = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

type Converter = (value: PlainValue) => unknown;

const asString = (v: PlainValue): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Each supported property type: plain value → Notion property value, or undefined when the value does not fit. */
const converters: Record<string, Converter> = {
  title: (v) => (asString(v) === undefined ? undefined : { title: richText(asString(v)!) }),
  rich_text: (v) => (asString(v) === undefined ? undefined : { rich_text: richText(asString(v)!) }),
  select: (v) => (v === null ? { select: null } : typeof v === 'string' && v && !v.includes(',') ? { select: { name: v } } : undefined),
  multi_select: (v) => {
    const names = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(v) ? v : undefined;
    return names && names.every((n) => n && !n.includes(',')) ? { multi_select: names.map((name) => ({ name })) } : undefined;
  },
  date: (v) => {
    if (v === null) return { date: null };
    const range = typeof v === 'string' ? { start: v } : v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    if (!range || !isoDate.test(range.start) || (range.end !== undefined && !isoDate.test(range.end))) return undefined;
    return { date: range.end ? { start: range.start, end: range.end } : { start: range.start } };
  },
  number: (v) => {
    if (v === null) return { number: null };
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? { number: n } : undefined;
  },
  url: (v) => (v === null ? { url: null } : typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v) ? { url: v } : undefined),
  email: (v) => (v === null ? { email: null } : typeof v === 'string' && /^[^@\s]+@[^@\s]+$/.test(v) ? { email: v } : undefined),
};

/** What each type takes, for the error message. */
const accepts: Record<string, string> = {
  title: 'text',
  rich_text: 'text',
  select: 'one option name (no commas) or null',
  multi_select: 'a list of option names, or comma-separated names',
  date: 'an ISO 8601 date or date-time, or {start, end}',
  number: 'a number',
  url: 'an absolute URL',
  email: 'an email address',
};

/**
 * Plain recipe values by property name → Notion property values, typed by the database's schema.
 * A name the database does not have, a type this connector does not write, or a value the type
 * cannot take is `invalid_input` naming `properties.<name>`.
 */
export function toNotionProperties(values: Record<string, PlainValue>, schema: PropertySchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const field = `properties.${name}`;
    const prop = schema[name];
    if (!prop) {
      const known = Object.keys(schema).map((n) => `"${n}"`).join(', ');
      throw new ConnectorError('invalid_input', `${field}: the database has no property named "${name}" (it has ${known})`, { field, code: 'unknown_property' });
    }
    const convert = converters[prop.type];
    if (!convert) throw new ConnectorError('invalid_input', `${field}: a ${prop.type} property cannot be set by this connector (supported: ${Object.keys(converters).join(', ')})`, { field, code: 'unsupported_property_type' });
    const converted = convert(value);
    if (converted === undefined) throw new ConnectorError('invalid_input', `${field}: a ${prop.type} property takes ${accepts[prop.type]}, not ${JSON.stringify(value)}`, { field, code: 'property_type_mismatch' });
    out[name] = converted;
  }
  return out;
}

/** Paragraph blocks from plain text (one per paragraph; each within the 2,000-character text limit). */
export function paragraphs(texts: readonly string[]): unknown[] {
  return texts.map((t) => ({ object: 'block', type: 'paragraph', paragraph: { rich_text: richText(t) } }));
}
