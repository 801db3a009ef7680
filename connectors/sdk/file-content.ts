import { z } from 'zod';
import { ConnectorError } from './errors';
import type { HttpClient } from './http-types';

/**
 * A file's content in a step's input: literal `text` (UTF-8), `base64` bytes, or a `url` fetched
 * through the connection's guarded client (SSRF rules apply; the connection's auth is not sent).
 */
export const fileContentSchema = z.union([
  z.object({ text: z.string() }).strict(),
  z.object({ base64: z.base64('base64 must be standard base64') }).strict(),
  z.object({ url: z.url({ protocol: /^https?$/ }) }).strict(),
]);
export type FileContent = z.output<typeof fileContentSchema>;

export interface LoadedContent {
  bytes: Buffer;
  /** The fetched resource's media type, when the content came from a URL. */
  mimeType?: string;
}

/** Bytes of a `FileContent`; a URL that cannot be fetched fails with the client's classification, its message naming the field. */
export async function loadFileContent(http: HttpClient, content: FileContent, field = 'content'): Promise<LoadedContent> {
  if ('text' in content) return { bytes: Buffer.from(content.text, 'utf8') };
  if ('base64' in content) return { bytes: Buffer.from(content.base64, 'base64') };
  try {
    const res = await http.request({ method: 'GET', url: content.url, auth: false });
    return { bytes: res.bytes ?? Buffer.from(res.text, 'utf8'), mimeType: res.headers['content-type']?.split(';')[0]?.trim() || undefined };
  } catch (err) {
    if (err instanceof ConnectorError) {
      throw new ConnectorError(err.kind, `${field}.url: fetching the file failed: ${err.message}`, { status: err.status, code: err.code, field: `${field}.url`, retryAfterMs: err.retryAfterMs, cause: err });
    }
    throw err;
  }
}
