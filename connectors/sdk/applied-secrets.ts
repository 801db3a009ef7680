/** Shorter strings are too likely to be ordinary words of a vendor message. */
const minLength = 8;

/** What an auth header value carries that a vendor might quote back: the value, its token, a Basic password. */
export function secretsOfHeader(value: string): string[] {
  const out = [value];
  const m = /^(\S+)\s+(\S+)$/.exec(value);
  if (m) {
    out.push(m[2]!);
    if (/^basic$/i.test(m[1]!)) {
      const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) out.push(decoded, decoded.slice(colon + 1));
    }
  }
  return out.filter((s) => s.length >= minLength);
}

/** `text` with every secret the request's auth applied replaced, longest first. */
export function withoutSecrets(text: string, secrets: Iterable<string>): string {
  return [...secrets].sort((a, b) => b.length - a.length).reduce((t, s) => (s.length >= minLength ? t.split(s).join('[redacted]') : t), text);
}
