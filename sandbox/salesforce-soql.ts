/**
 * The SOQL subset the Salesforce fake understands: `SELECT f, … FROM Type [WHERE cond]
 * [ORDER BY f [ASC|DESC], …] [LIMIT n]`, conditions of `field op literal` joined by AND / OR with
 * parentheses, literals: 'strings' (backslash escapes), numbers, true/false, null and datetimes
 * (`2026-11-29T14:00:00Z`, `…+00:00`, optional milliseconds). Anything else is MALFORMED_QUERY,
 * as Salesforce would answer it.
 */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
  ) {
    super(message);
  }
}

type Literal = string | number | boolean | null | { datetime: number };
type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';
export type Condition = { and: Condition[] } | { or: Condition[] } | { field: string; op: Op; value: Literal };

export interface SoqlQuery {
  fields: string[];
  type: string;
  where?: Condition;
  orderBy: { field: string; desc: boolean }[];
  limit?: number;
}

type Token = { kind: 'word' | 'string' | 'op' | 'punct' | 'datetime' | 'number'; text: string };

const tokenPattern = /\s*(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?(?:Z|[+-]\d\d:\d\d))|('(?:\\.|[^'\\])*')|(!=|<=|>=|=|<|>)|([(),])|(-?\d+(?:\.\d+)?)(?![A-Za-z_])|([A-Za-z_][A-Za-z0-9_.]*))/y;

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  let at = 0;
  while (at < soql.length) {
    if (/^\s*$/.test(soql.slice(at))) break;
    tokenPattern.lastIndex = at;
    const m = tokenPattern.exec(soql);
    if (!m) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${soql.slice(at).trim().split(/\s/)[0]}'`);
    at = tokenPattern.lastIndex;
    if (m[1]) tokens.push({ kind: 'datetime', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'op', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'punct', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'number', text: m[5] });
    else tokens.push({ kind: 'word', text: m[6]! });
  }
  return tokens;
}

const unescape = (s: string) => s.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);

export function parseSoql(soql: string): SoqlQuery {
  const t = tokenize(soql);
  let i = 0;
  const peekWord = (w: string) => t[i]?.kind === 'word' && t[i]!.text.toUpperCase() === w;
  const expectWord = (w: string) => {
    if (!peekWord(w)) throw new SoqlError('MALFORMED_QUERY', `expecting '${w}', found '${t[i]?.text ?? 'end of query'}'`);
    i++;
  };
  const name = () => {
    const tok = t[i++];
    if (tok?.kind !== 'word') throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${tok?.text ?? 'end of query'}'`);
    return tok.text;
  };
  const literal = (): Literal => {
    const tok = t[i++];
    if (!tok) throw new SoqlError('MALFORMED_QUERY', 'unexpected end of query');
    if (tok.kind === 'string') return unescape(tok.text);
    if (tok.kind === 'number') return Number(tok.text);
    if (tok.kind === 'datetime') return { datetime: Date.parse(tok.text) };
    if (tok.kind === 'word' && /^(true|false)$/i.test(tok.text)) return tok.text.toLowerCase() === 'true';
    if (tok.kind === 'word' && /^null$/i.test(tok.text)) return null;
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${tok.text}'`);
  };
  const atom = (): Condition => {
    if (t[i]?.text === '(') {
      i++;
      const c = disjunction();
      if (t[i++]?.text !== ')') throw new SoqlError('MALFORMED_QUERY', "expecting ')'");
      return c;
    }
    const field = name();
    const opTok = t[i++];
    const op = opTok?.kind === 'op' ? (opTok.text as Op) : opTok?.kind === 'word' && opTok.text.toUpperCase() === 'LIKE' ? 'LIKE' : undefined;
    if (!op) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${opTok?.text ?? 'end of query'}'`);
    return { field, op, value: literal() };
  };
  /** `operand (AND operand)*`, likewise for OR: one operand stands alone, several are joined. */
  const joined =
    (word: 'AND' | 'OR', operand: () => Condition) =>
    (): Condition => {
      const parts = [operand()];
      while (peekWord(word)) {
        i++;
        parts.push(operand());
      }
      return parts.length === 1 ? parts[0]! : word === 'AND' ? { and: parts } : { or: parts };
    };
  const conjunction = joined('AND', atom);
  const disjunction = joined('OR', conjunction);

  expectWord('SELECT');
  const fields = [name()];
  while (t[i]?.text === ',') {
    i++;
    fields.push(name());
  }
  expectWord('FROM');
  const type = name();
  const q: SoqlQuery = { fields, type, orderBy: [] };
  if (peekWord('WHERE')) {
    i++;
    q.where = disjunction();
  }
  if (peekWord('ORDER')) {
    i++;
    expectWord('BY');
    do {
      if (t[i]?.text === ',') i++;
      const field = name();
      const desc = peekWord('DESC');
      if (desc || peekWord('ASC')) i++;
      q.orderBy.push({ field, desc });
    } while (t[i]?.text === ',');
  }
  if (peekWord('LIMIT')) {
    i++;
    const n = t[i++];
    if (n?.kind !== 'number' || !/^\d+$/.test(n.text)) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${n?.text ?? 'end of query'}'`);
    q.limit = Number(n.text);
  }
  if (i < t.length) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${t[i]!.text}'`);
  return q;
}

/** Every field a condition names. */
export function conditionFields(c: Condition | undefined): string[] {
  if (!c) return [];
  if ('and' in c) return c.and.flatMap(conditionFields);
  if ('or' in c) return c.or.flatMap(conditionFields);
  return [c.field];
}

type Value = unknown;

/** Comparable form of a stored value: datetimes (ISO strings) as ms when compared with a datetime literal. */
function compare(stored: Value, lit: Literal): number | undefined {
  if (lit === null || stored === null || stored === undefined) return undefined;
  if (typeof lit === 'object') {
    const ms = typeof stored === 'string' ? Date.parse(stored.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN;
    return Number.isNaN(ms) ? undefined : Math.sign(ms - lit.datetime);
  }
  if (typeof lit === 'string' && typeof stored === 'string') return stored < lit ? -1 : stored > lit ? 1 : 0;
  if (typeof lit === 'number' && typeof stored === 'number') return Math.sign(stored - lit);
  if (typeof lit === 'boolean' && typeof stored === 'boolean') return stored === lit ? 0 : 1;
  return undefined;
}

/** Field names compare case-insensitively, as in SOQL; string `=` compares case-insensitively too. */
export function matches(c: Condition | undefined, get: (field: string) => Value): boolean {
  if (!c) return true;
  if ('and' in c) return c.and.every((p) => matches(p, get));
  if ('or' in c) return c.or.some((p) => matches(p, get));
  const v = get(c.field);
  if (c.value === null) return c.op === '=' ? v === null || v === undefined : c.op === '!=' ? v !== null && v !== undefined : false;
  if (c.op === 'LIKE') {
    if (typeof v !== 'string' || typeof c.value !== 'string') return false;
    const re = new RegExp(`^${c.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');
    return re.test(v);
  }
  if ((c.op === '=' || c.op === '!=') && typeof v === 'string' && typeof c.value === 'string') {
    const same = v.toLowerCase() === c.value.toLowerCase();
    return c.op === '=' ? same : !same;
  }
  const cmp = compare(v, c.value);
  if (cmp === undefined) return c.op === '!=';
  return { '=': cmp === 0, '!=': cmp !== 0, '<': cmp < 0, '<=': cmp <= 0, '>': cmp > 0, '>=': cmp >= 0 }[c.op];
}
