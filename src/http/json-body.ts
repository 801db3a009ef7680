import { HttpError } from './errors';

/**
 * The deepest nesting of arrays and objects an inbound JSON body may have. JSON.parse copes with
 * far deeper input, but hashing it, matching recipes on it or serialising it for Temporal recurses
 * and overflows the stack: that surfaced as a 503, which senders retry forever.
 */
const MAX_JSON_DEPTH = 64;

/** 400 `invalid_json` when `value` nests deeper than `MAX_JSON_DEPTH` (walked with an explicit stack: no recursion). */
export function assertJsonDepth(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (depth > MAX_JSON_DEPTH) {
      throw new HttpError(400, 'invalid_json', `request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH });
    }
    for (const child of Array.isArray(node) ? node : Object.values(node as object)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
}

/**
 * Parses a verified raw body. A leading UTF-8 BOM is skipped here only: the signature was checked
 * over the bytes as sent (BOM included), and parsing reads the same bytes after it, as
 * `express.json` does for `/api/v1/events`. 400 `malformed_json` or `invalid_json` otherwise.
 */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new HttpError(400, 'malformed_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
  assertJsonDepth(parsed);
  return parsed;
}
