/**
 * JSON text with source positions, for the recipe editor: where a compiler path
 * (`steps[1].input.text`) sits in the text, which object the caret is in, and syntax errors with
 * their offset. Values are decoded with JSON.parse; only the positions are computed here.
 */

export type Segment = string | number;

export interface JsonEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'scalar'; start: number; end: number };

export type ParsedJson = { ok: true; tree: JsonNode; value: unknown } | { ok: false; offset: number; message: string };

class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const scalar = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/;

/** Parses JSON keeping each node's span; a syntax error answers its offset and what was expected. */
export function parseJson(text: string): ParsedJson {
  let at = 0;
  const fail = (message: string): never => {
    throw new SyntaxFailure(at, at >= text.length ? `${message}, but the text ends` : `${message}, found ${JSON.stringify(text[at])}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  /** After a member: true when a "," announces another, false past the closing bracket. */
  const another = (close: '}' | ']', what: string): boolean => {
    space();
    if (text[at] === ',' || text[at] === close) return text[at++] === ',';
    return fail(`expected "," or "${close}" after ${what}`);
  };
  const string = (): { start: number; end: number; value: string } => {
    const start = at;
    at++;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') at++;
      else if (text[at]! < ' ') fail('a control character must be escaped inside a string');
      at++;
    }
    if (at >= text.length) {
      at = start;
      throw new SyntaxFailure(start, 'this string is never closed (missing ")');
    }
    at++;
    try {
      return { start, end: at, value: JSON.parse(text.slice(start, at)) as string };
    } catch {
      throw new SyntaxFailure(start, 'this string has an invalid escape');
    }
  };
  const value = (): JsonNode => {
    space();
    const start = at;
    const c = text[at];
    if (c === '{') {
      at++;
      const entries: JsonEntry[] = [];
      space();
      if (text[at] === '}') return { kind: 'object', start, end: ++at, entries };
      do {
        space();
        if (text[at] !== '"') fail('expected a field name in double quotes');
        const key = string();
        space();
        if (text[at] !== ':') fail(`expected ":" after "${key.value}"`);
        at++;
        entries.push({ key: key.value, keyStart: key.start, keyEnd: key.end, value: value() });
      } while (another('}', 'a field'));
      return { kind: 'object', start, end: at, entries };
    }
    if (c === '[') {
      at++;
      const items: JsonNode[] = [];
      space();
      if (text[at] === ']') return { kind: 'array', start, end: ++at, items };
      do items.push(value());
      while (another(']', 'an item'));
      return { kind: 'array', start, end: at, items };
    }
    if (c === '"') return { kind: 'string', ...string() };
    const m = scalar.exec(text.slice(at, at + 400));
    if (!m) fail('expected a value (object, array, string, number, true, false or null)');
    at += m![0].length;
    return { kind: 'scalar', start, end: at };
  };
  try {
    const tree = value();
    space();
    if (at < text.length) fail('expected the end of the JSON after the top-level value');
    return { ok: true, tree, value: JSON.parse(text) };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
}

/** `steps[1].input["a b"]` (the compiler's path format) → `['steps', 1, 'input', 'a b']`. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

export interface Located {
  /** The node at the path, when every segment exists. */
  node?: JsonNode;
  /** The field's entry when the last segment names an object field. */
  entry?: JsonEntry;
  /** The deepest node that exists on the way (where a missing field would go). */
  nearest: JsonNode;
  /** How many segments of the path were found. */
  depth: number;
}

export function locate(tree: JsonNode, path: readonly Segment[]): Located {
  let node: JsonNode = tree;
  let entry: JsonEntry | undefined;
  for (const [i, segment] of path.entries()) {
    let next: JsonNode | undefined;
    entry = undefined;
    if (node.kind === 'object' && typeof segment === 'string') {
      entry = [...node.entries].reverse().find((e) => e.key === segment);
      next = entry?.value;
    } else if (node.kind === 'array' && typeof segment === 'number') next = node.items[segment];
    if (!next) return { nearest: node, depth: i };
    node = next;
  }
  return { node, entry, nearest: node, depth: path.length };
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The path of the innermost object or array around an offset, and that node (for completion). */
export function containerAt(tree: JsonNode, offset: number): { path: Segment[]; node: JsonNode } | undefined {
  const inside = (n: JsonNode) => n.start < offset && offset < n.end;
  if (!inside(tree) || (tree.kind !== 'object' && tree.kind !== 'array')) return undefined;
  const path: Segment[] = [];
  let node: JsonNode = tree;
  for (;;) {
    let next: { segment: Segment; node: JsonNode } | undefined;
    if (node.kind === 'object') {
      const e: JsonEntry | undefined = node.entries.find((x) => inside(x.value) && (x.value.kind === 'object' || x.value.kind === 'array'));
      if (e) next = { segment: e.key, node: e.value };
    } else if (node.kind === 'array') {
      const i = node.items.findIndex((x) => inside(x) && (x.kind === 'object' || x.kind === 'array'));
      if (i >= 0) next = { segment: i, node: node.items[i]! };
    }
    if (!next) return { path, node };
    path.push(next.segment);
    node = next.node;
  }
}

/**
 * The field whose value (a string, number, boolean or null) the caret is in or just after: its
 * path and value node (for value completion); undefined elsewhere, e.g. on a key or in an array.
 */
export function fieldValueAt(tree: JsonNode, offset: number): { path: Segment[]; node: JsonNode } | undefined {
  const around = containerAt(tree, offset);
  if (around?.node.kind !== 'object') return undefined;
  const entry = around.node.entries.find((e) => (e.value.kind === 'string' || e.value.kind === 'scalar') && e.value.start <= offset && offset <= e.value.end);
  return entry && { path: [...around.path, entry.key], node: entry.value };
}
